package io.kvasir.plugins.tier.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

/**
 * The pinning and closing rules, made deterministic with a medium whose reads wait at a gate: what a
 * racing workload only hits by luck.
 */
class RangeOffloadTierTest {

    private static final int BLOCK = 64;

    /** A heap-backed medium whose next read stops at a gate until released. */
    private static final class GatedTier extends RangeOffloadTier {
        final MemorySegment medium;
        volatile CountDownLatch readEntered;
        volatile CountDownLatch releaseRead;
        volatile boolean failReads;
        final AtomicBoolean released = new AtomicBoolean();

        GatedTier(long capacityBytes) {
            super(capacityBytes);
            medium = MemorySegment.ofArray(new byte[(int) capacityBytes]);
        }

        void gateNextRead() {
            readEntered = new CountDownLatch(1);
            releaseRead = new CountDownLatch(1);
        }

        @Override
        protected boolean backRange(long offset, long length) {
            return true;
        }

        @Override
        protected long write(long key, long offset, MemorySegment src) {
            MemorySegment.copy(src, 0, medium, offset, src.byteSize());
            return 0;
        }

        @Override
        protected boolean read(long key, long offset, MemorySegment dst, long tag) {
            CountDownLatch entered = readEntered;
            if (entered != null) {
                readEntered = null;
                entered.countDown();
                try {
                    releaseRead.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
            MemorySegment.copy(medium, offset, dst, 0, dst.byteSize());
            return !failReads;
        }

        @Override
        protected void release() {
            released.set(true);
        }
    }

    private static MemorySegment filled(int value) {
        MemorySegment data = MemorySegment.ofArray(new byte[BLOCK]);
        data.fill((byte) value);
        return data;
    }

    /** Starts a get of {@code key} that stops inside the medium's read; returns its thread. */
    private static Thread gatedGet(GatedTier tier, long key, MemorySegment dst, AtomicReference<Boolean> result)
            throws InterruptedException {
        tier.gateNextRead();
        CountDownLatch entered = tier.readEntered;
        Thread reader = Thread.ofPlatform().start(() -> result.set(tier.get(key, dst)));
        entered.await();
        return reader;
    }

    @Test
    void aRangeBeingReadIsNotReusedUntilTheReadEnds() throws InterruptedException {
        GatedTier tier = new GatedTier(BLOCK);
        tier.put(1, filled(1));
        MemorySegment dst = MemorySegment.ofArray(new byte[BLOCK]);
        AtomicReference<Boolean> result = new AtomicReference<>();
        Thread reader = gatedGet(tier, 1, dst, result);

        tier.remove(1);
        assertThat(tier.numEntries()).isZero();
        assertThat(tier.usedBytes()).as("still pinned by the reader").isEqualTo(BLOCK);
        assertThat(tier.put(2, filled(2))).as("no room while the range is read").isFalse();

        tier.releaseRead.countDown();
        reader.join();
        assertThat(result.get()).isTrue();
        assertThat(dst.get(ValueLayout.JAVA_BYTE, BLOCK - 1)).isEqualTo((byte) 1);
        assertThat(tier.usedBytes()).isZero();
        assertThat(tier.put(2, filled(2))).isTrue();
        tier.checkInvariants();
    }

    @Test
    void anEvictableEntryBeingReadIsNotDropped() throws InterruptedException {
        GatedTier tier = new GatedTier(BLOCK);
        tier.putEvictable(1, filled(1));
        MemorySegment dst = MemorySegment.ofArray(new byte[BLOCK]);
        AtomicReference<Boolean> result = new AtomicReference<>();
        Thread reader = gatedGet(tier, 1, dst, result);

        assertThat(tier.put(2, filled(2))).isFalse();
        assertThat(tier.numEvictions()).isZero();

        tier.releaseRead.countDown();
        reader.join();
        assertThat(result.get()).isTrue();
        assertThat(tier.put(2, filled(2))).as("unpinned now, so it may be dropped").isTrue();
        assertThat(tier.numEvictions()).isEqualTo(1);
        tier.checkInvariants();
    }

    @Test
    void aReplacedEntryBeingReadIsFreedOnceWhenTheReadEnds() throws InterruptedException {
        GatedTier tier = new GatedTier(3 * BLOCK);
        tier.put(1, filled(1));
        MemorySegment dst = MemorySegment.ofArray(new byte[BLOCK]);
        AtomicReference<Boolean> result = new AtomicReference<>();
        Thread reader = gatedGet(tier, 1, dst, result);

        assertThat(tier.put(1, filled(2))).isTrue();
        assertThat(tier.usedBytes()).isEqualTo(2 * BLOCK);
        tier.failReads = true;
        tier.releaseRead.countDown();
        reader.join();

        assertThat(result.get()).isFalse();
        assertThat(tier.numFailedReads()).isEqualTo(1);
        assertThat(tier.numEntries()).as("a failed read of an old copy leaves the new one").isEqualTo(1);
        assertThat(tier.usedBytes()).isEqualTo(BLOCK);
        tier.checkInvariants();
    }

    @Test
    void aFailedReadForgetsTheKeyAndFreesItsRange() {
        GatedTier tier = new GatedTier(BLOCK);
        tier.put(1, filled(1));
        tier.failReads = true;

        assertThat(tier.get(1, MemorySegment.ofArray(new byte[BLOCK]))).isFalse();
        assertThat(tier.numEntries()).isZero();
        assertThat(tier.usedBytes()).isZero();
        tier.checkInvariants();
    }

    @Test
    void closeWaitsForRunningCopiesBeforeReleasingTheMedium() throws InterruptedException {
        GatedTier tier = new GatedTier(BLOCK);
        tier.put(1, filled(1));
        MemorySegment dst = MemorySegment.ofArray(new byte[BLOCK]);
        AtomicReference<Boolean> result = new AtomicReference<>();
        Thread reader = gatedGet(tier, 1, dst, result);

        Thread closer = Thread.ofPlatform().start(tier::close);
        while (closer.getState() != Thread.State.WAITING) {
            Thread.onSpinWait();
        }
        assertThat(tier.released).as("released while a copy runs").isFalse();

        tier.releaseRead.countDown();
        reader.join();
        closer.join();
        assertThat(result.get()).isTrue();
        assertThat(tier.released).isTrue();
    }
}
