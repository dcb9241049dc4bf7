package io.kvasir.plugins.tier.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import io.kvasir.plugins.tier.OffloadTierContract;
import io.kvasir.plugins.tier.internal.RangeOffloadTier;

class HostOffloadTierTest extends OffloadTierContract {

    @Override
    protected RangeOffloadTier createTier(long capacityBytes) {
        return new HostOffloadTier(capacityBytes);
    }

    @Test
    void reservesHostMemoryChunkByChunkAsItFills() {
        HostOffloadTier tier = (HostOffloadTier) newTier(1L << 30);
        assertThat(tier.reservedBytes()).isZero();

        tier.put(1, randomBytes(new SplittableRandom(1), 1 << 20));
        assertThat(tier.reservedBytes()).isEqualTo(HostOffloadTier.CHUNK_BYTES);
    }

    @Test
    void entriesStraddlingChunkBoundariesRoundTrip() {
        long blockBytes = (3L << 20) + 1;
        HostOffloadTier tier = (HostOffloadTier) newTier(80L << 20);
        SplittableRandom random = new SplittableRandom(2);
        int numFit = (int) ((80L << 20) / blockBytes);
        List<MemorySegment> stored = new ArrayList<>();
        for (int key = 0; key < numFit; key++) {
            stored.add(randomBytes(random, blockBytes));
            assertThat(tier.put(key, stored.get(key))).as("key %d", key).isTrue();
        }
        assertThat(tier.put(numFit, stored.get(0))).isFalse();
        assertThat(tier.reservedBytes()).isEqualTo(80L << 20);
        for (int key = 0; key < stored.size(); key++) {
            MemorySegment back = arena.allocate(blockBytes);
            assertThat(tier.get(key, back)).isTrue();
            assertSameBytes(back, stored.get(key), "key " + key);
        }
    }

    @Test
    void memoryHeldStaysWithinTheCapacityWhateverTheSizes() {
        long capacity = 70L << 20;
        HostOffloadTier tier = (HostOffloadTier) newTier(capacity);
        SplittableRandom random = new SplittableRandom(4);
        MemorySegment source = randomBytes(random, 4 << 20);
        for (int op = 0; op < 300; op++) {
            long key = random.nextInt(40);
            if (random.nextBoolean()) {
                tier.put(key, source.asSlice(0, 1 + random.nextInt(4 << 20)));
            } else {
                tier.remove(key);
            }
            assertThat(tier.reservedBytes()).isLessThanOrEqualTo(capacity);
            tier.checkInvariants();
        }
    }

    @Test
    void rejectsACapacityOutOfRange() {
        assertThatThrownBy(() -> new HostOffloadTier(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("capacityBytes");
        assertThatThrownBy(() -> new HostOffloadTier(HostOffloadTier.MAX_CAPACITY_BYTES + 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
