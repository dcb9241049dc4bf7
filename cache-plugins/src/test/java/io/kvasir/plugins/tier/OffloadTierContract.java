package io.kvasir.plugins.tier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import io.kvasir.plugins.tier.internal.RangeOffloadTier;

/** What every offload tier must do; each tier's test class extends it. */
public abstract class OffloadTierContract {

    /** Ways the engine may hand bytes over. */
    protected enum SegmentKind {
        NATIVE, BYTE_ARRAY, LONG_ARRAY, READ_ONLY_NATIVE, READ_ONLY_BYTE_ARRAY
    }

    private final List<RangeOffloadTier> tiers = new ArrayList<>();
    protected final Arena arena = Arena.ofShared();

    /** A fresh, empty tier of {@code capacityBytes}; closed after the test. */
    protected abstract RangeOffloadTier createTier(long capacityBytes);

    protected final RangeOffloadTier newTier(long capacityBytes) {
        RangeOffloadTier tier = createTier(capacityBytes);
        tiers.add(tier);
        return tier;
    }

    @AfterEach
    void closeTiers() {
        tiers.forEach(RangeOffloadTier::close);
        arena.close();
    }

    static IntStream seeds() {
        return IntStream.range(0, 30);
    }

    static IntStream concurrencySeeds() {
        return IntStream.range(0, 4);
    }

    // ---- round trips ----

    @ParameterizedTest
    @EnumSource(SegmentKind.class)
    void roundTripsRandomBytesOfSeveralSizes(SegmentKind kind) {
        RangeOffloadTier tier = newTier(16L << 20);
        SplittableRandom random = new SplittableRandom(kind.ordinal());
        long[] sizes = {1, 7, 64, 4096, 65_536 + 3, 1 << 20, (3 << 20) + 5};
        Map<Long, MemorySegment> expected = new HashMap<>();
        for (int i = 0; i < sizes.length; i++) {
            MemorySegment data = randomBytes(random, sizes[i]);
            assertThat(tier.put(i, segmentOf(kind, data))).as("put of %d bytes", sizes[i]).isTrue();
            expected.put((long) i, data);
        }
        for (Map.Entry<Long, MemorySegment> e : expected.entrySet()) {
            for (SegmentKind dstKind : new SegmentKind[] {SegmentKind.NATIVE, SegmentKind.BYTE_ARRAY, SegmentKind.LONG_ARRAY}) {
                MemorySegment dst = emptyOf(dstKind, e.getValue().byteSize());
                assertThat(tier.get(e.getKey(), dst)).isTrue();
                assertSameBytes(dst, e.getValue(), "key " + e.getKey() + " into " + dstKind);
            }
        }
        tier.checkInvariants();
    }

    @Test
    void getOfAnAbsentKeyReturnsFalseAndRemoveOfOneDoesNothing() {
        RangeOffloadTier tier = newTier(1 << 16);
        tier.put(1, randomBytes(new SplittableRandom(1), 100));

        assertThat(tier.get(2, arena.allocate(100))).isFalse();
        tier.remove(2);
        assertThat(tier.usedBytes()).isEqualTo(100);
        tier.remove(1);
        assertThat(tier.get(1, arena.allocate(100))).isFalse();
        assertThat(tier.usedBytes()).isZero();
    }

    @Test
    void rejectsEmptyDataAndUnfitDestinations() {
        RangeOffloadTier tier = newTier(1 << 16);
        tier.put(1, randomBytes(new SplittableRandom(1), 100));

        assertThatThrownBy(() -> tier.put(2, MemorySegment.NULL)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> tier.get(1, arena.allocate(99))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("99").hasMessageContaining("100");
        assertThatThrownBy(() -> tier.get(1, arena.allocate(100).asReadOnly())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("read-only");
        tier.checkInvariants();
    }

    // ---- budget ----

    @Test
    void usedBytesCountsExactlyTheBytesStored() {
        RangeOffloadTier tier = newTier(1 << 20);
        SplittableRandom random = new SplittableRandom(7);
        tier.put(1, randomBytes(random, 1000));
        tier.put(2, randomBytes(random, 24));
        tier.putEvictable(3, randomBytes(random, 4096));
        assertThat(tier.usedBytes()).isEqualTo(1000 + 24 + 4096);

        tier.put(1, randomBytes(random, 10));
        assertThat(tier.usedBytes()).isEqualTo(10 + 24 + 4096);
        tier.remove(3);
        assertThat(tier.usedBytes()).isEqualTo(10 + 24);
        assertThat(tier.numEntries()).isEqualTo(2);
        assertThat(tier.capacityBytes()).isEqualTo(1 << 20);
    }

    @Test
    void refusesAPutWhenFullAndReusesTheSpaceOfRemovedKeys() {
        int blockBytes = 4096;
        int numBlocks = 10;
        RangeOffloadTier tier = newTier((long) blockBytes * numBlocks);
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < numBlocks; i++) {
            assertThat(tier.put(i, randomBytes(random, blockBytes))).isTrue();
        }
        assertThat(tier.usedBytes()).isEqualTo(tier.capacityBytes());

        MemorySegment extra = randomBytes(random, blockBytes);
        assertThat(tier.put(100, extra)).isFalse();
        assertThat(tier.putEvictable(100, extra)).isFalse();
        assertThat(tier.put(101, randomBytes(random, 1))).isFalse();
        assertThat(tier.get(100, arena.allocate(blockBytes))).isFalse();
        assertThat(tier.usedBytes()).isEqualTo(tier.capacityBytes());

        tier.remove(4);
        assertThat(tier.put(100, extra)).isTrue();
        MemorySegment back = arena.allocate(blockBytes);
        assertThat(tier.get(100, back)).isTrue();
        assertSameBytes(back, extra, "key 100");
        tier.checkInvariants();
    }

    @Test
    void refusesDataLargerThanTheCapacity() {
        RangeOffloadTier tier = newTier(1000);

        assertThat(tier.put(1, randomBytes(new SplittableRandom(1), 1001))).isFalse();
        assertThat(tier.putEvictable(1, randomBytes(new SplittableRandom(1), 1001))).isFalse();
        assertThat(tier.usedBytes()).isZero();
    }

    @Test
    void freedSpaceIsReusedOverManyCyclesWithoutGrowth() {
        int blockBytes = 3000;
        RangeOffloadTier tier = newTier(blockBytes * 8L);
        SplittableRandom random = new SplittableRandom(11);
        for (int cycle = 0; cycle < 500; cycle++) {
            for (int i = 0; i < 8; i++) {
                assertThat(tier.put(cycle * 8L + i, randomBytes(random, blockBytes))).as("cycle %d block %d", cycle, i).isTrue();
            }
            for (int i = 0; i < 8; i++) {
                tier.remove(cycle * 8L + i);
            }
        }
        assertThat(tier.usedBytes()).isZero();
        tier.checkInvariants();
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void randomOperationSequencesKeepUsedBytesExactAndServeWhatWasPut(int seed) {
        SplittableRandom random = new SplittableRandom(seed);
        long capacity = 1 + random.nextLong(64 << 10);
        boolean equalSizes = seed % 2 == 0;
        int blockBytes = 1 + random.nextInt(8 << 10);
        RangeOffloadTier tier = newTier(capacity);
        Map<Long, MemorySegment> model = new HashMap<>();
        long modelBytes = 0;
        for (int op = 0; op < 300; op++) {
            long key = random.nextInt(32);
            int choice = random.nextInt(10);
            if (choice < 5) {
                MemorySegment data = randomBytes(random, equalSizes ? blockBytes : 1 + random.nextInt(8 << 10));
                MemorySegment old = model.get(key);
                long oldBytes = old == null ? 0 : old.byteSize();
                boolean room = modelBytes + data.byteSize() <= capacity;
                boolean stored = tier.put(key, data);
                if (stored) {
                    model.put(key, data);
                    modelBytes += data.byteSize() - oldBytes;
                } else {
                    assertThat(room && allSameSize(model, data.byteSize())).as("seed %d op %d: refused with room", seed, op).isFalse();
                }
            } else if (choice < 8) {
                MemorySegment want = model.get(key);
                MemorySegment dst = arena.allocate(want == null ? 1 + random.nextInt(100) : want.byteSize());
                assertThat(tier.get(key, dst)).as("seed %d op %d: get of key %d", seed, op, key).isEqualTo(want != null);
                if (want != null) {
                    assertSameBytes(dst, want, "seed " + seed + " op " + op);
                }
            } else {
                MemorySegment old = model.remove(key);
                modelBytes -= old == null ? 0 : old.byteSize();
                tier.remove(key);
            }
            assertThat(tier.usedBytes()).as("seed %d op %d", seed, op).isEqualTo(modelBytes);
            assertThat(tier.numEntries()).as("seed %d op %d", seed, op).isEqualTo(model.size());
            tier.checkInvariants();
        }
    }

    // ---- replacing ----

    @Test
    void replacingAKeyKeepsTheOldCopyWhenTheNewOneDoesNotFit() {
        RangeOffloadTier tier = newTier(2 * 4096);
        SplittableRandom random = new SplittableRandom(5);
        MemorySegment first = randomBytes(random, 4096);
        tier.put(1, first);
        tier.put(2, randomBytes(random, 4096));

        MemorySegment second = randomBytes(random, 4096);
        assertThat(tier.put(1, second)).isFalse();
        MemorySegment back = arena.allocate(4096);
        assertThat(tier.get(1, back)).isTrue();
        assertSameBytes(back, first, "old copy");

        tier.remove(2);
        assertThat(tier.put(1, second)).isTrue();
        assertThat(tier.get(1, back)).isTrue();
        assertSameBytes(back, second, "new copy");
        assertThat(tier.usedBytes()).isEqualTo(4096);
    }

    // ---- evictable entries ----

    @Test
    void evictableEntriesMakeRoomLeastRecentlyUsedFirst() {
        RangeOffloadTier tier = newTier(4 * 1024);
        SplittableRandom random = new SplittableRandom(9);
        for (long key = 1; key <= 3; key++) {
            assertThat(tier.putEvictable(key, randomBytes(random, 1024))).isTrue();
        }
        assertThat(tier.put(10, randomBytes(random, 1024))).isTrue();
        assertThat(tier.get(1, arena.allocate(1024))).isTrue();

        assertThat(tier.put(11, randomBytes(random, 1024))).isTrue();
        assertThat(tier.get(2, arena.allocate(1024))).as("least recently used").isFalse();
        assertThat(tier.putEvictable(12, randomBytes(random, 1024))).isTrue();
        assertThat(tier.get(3, arena.allocate(1024))).as("next least recently used").isFalse();

        assertThat(tier.get(1, arena.allocate(1024))).isTrue();
        assertThat(tier.get(12, arena.allocate(1024))).isTrue();
        assertThat(tier.numEvictions()).isEqualTo(2);
        assertThat(tier.usedBytes()).isEqualTo(4 * 1024);
        tier.checkInvariants();
    }

    @Test
    void pinnedEntriesAreNeverDropped() {
        RangeOffloadTier tier = newTier(3 * 1024);
        SplittableRandom random = new SplittableRandom(13);
        List<MemorySegment> pinned = new ArrayList<>();
        for (int key = 0; key < 3; key++) {
            pinned.add(randomBytes(random, 1024));
            assertThat(tier.put(key, pinned.get(key))).isTrue();
        }

        assertThat(tier.putEvictable(7, randomBytes(random, 1024))).isFalse();
        assertThat(tier.put(8, randomBytes(random, 1024))).isFalse();
        for (int key = 0; key < 3; key++) {
            MemorySegment back = arena.allocate(1024);
            assertThat(tier.get(key, back)).isTrue();
            assertSameBytes(back, pinned.get(key), "pinned key " + key);
        }
        assertThat(tier.numEvictions()).isZero();
    }

    @Test
    void aPutThatDroppingCannotHelpDropsNothing() {
        RangeOffloadTier tier = newTier(4 * 1024);
        SplittableRandom random = new SplittableRandom(19);
        tier.put(1, randomBytes(random, 3 * 1024));
        tier.putEvictable(2, randomBytes(random, 1024));

        assertThat(tier.put(3, randomBytes(random, 2 * 1024))).isFalse();
        assertThat(tier.numEvictions()).isZero();
        assertThat(tier.get(2, arena.allocate(1024))).isTrue();
    }

    @Test
    void aLargePutDropsSeveralEvictableEntries() {
        RangeOffloadTier tier = newTier(4 * 1024);
        SplittableRandom random = new SplittableRandom(17);
        for (long key = 0; key < 4; key++) {
            tier.putEvictable(key, randomBytes(random, 1024));
        }

        assertThat(tier.put(9, randomBytes(random, 3 * 1024))).isTrue();
        assertThat(tier.numEvictions()).isEqualTo(3);
        assertThat(tier.get(3, arena.allocate(1024))).isTrue();
        assertThat(tier.usedBytes()).isEqualTo(4 * 1024);
        tier.checkInvariants();
    }

    // ---- lifecycle ----

    @Test
    void aClosedTierRefusesCallsAndClosesOnce() {
        RangeOffloadTier tier = newTier(1 << 16);
        tier.put(1, randomBytes(new SplittableRandom(1), 100));
        tier.close();
        tier.close();

        assertThat(tier.usedBytes()).isZero();
        assertThatThrownBy(() -> tier.put(2, arena.allocate(10))).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> tier.get(1, arena.allocate(100))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> tier.remove(1)).isInstanceOf(IllegalStateException.class);
    }

    // ---- concurrency ----

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("concurrencySeeds")
    void concurrentPutsGetsAndRemovesAlwaysServeExactlyWhatWasPut(int seed) throws Exception {
        int numThreads = 4;
        int numOpsPerThread = 2000;
        RangeOffloadTier tier = newTier(160L << 10);
        CyclicBarrier start = new CyclicBarrier(numThreads);
        Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
        List<Map<Long, MemorySegment>> pinnedModels = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < numThreads; t++) {
            Map<Long, MemorySegment> pinned = new HashMap<>();
            pinnedModels.add(pinned);
            long threadSeed = seed * 1000L + t;
            long keyBase = (long) (t + 1) << 32;
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                    runWorkload(tier, new SplittableRandom(threadSeed), keyBase, numOpsPerThread, pinned);
                } catch (Throwable e) {
                    failures.add(new AssertionError("seed " + seed + ", thread seed " + threadSeed, e));
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(failures).as("seed %d", seed).isEmpty();

        tier.checkInvariants();
        for (Map<Long, MemorySegment> pinned : pinnedModels) {
            for (Map.Entry<Long, MemorySegment> e : pinned.entrySet()) {
                MemorySegment back = arena.allocate(e.getValue().byteSize());
                assertThat(tier.get(e.getKey(), back)).as("seed %d: pinned key %x", seed, e.getKey()).isTrue();
                assertSameBytes(back, e.getValue(), "seed " + seed + ", key " + Long.toHexString(e.getKey()));
                tier.remove(e.getKey());
            }
        }
        for (int t = 0; t < numThreads; t++) {
            for (long k = 0; k < 24; k++) {
                tier.remove(((long) (t + 1) << 32) + k);
            }
        }
        for (long k = 0; k < SHARED_KEYS; k++) {
            tier.remove(k);
        }
        assertThat(tier.usedBytes()).as("seed %d", seed).isZero();
        assertThat(tier.numEntries()).isZero();
        tier.checkInvariants();
    }

    private static final int SHARED_KEYS = 4;
    private static final int SHARED_BYTES = 2048;

    /**
     * Private keys are checked exactly against a model (pinned ones must be there, evictable ones may be
     * gone); shared keys, written by every thread, must hold one writer's whole payload (self-describing).
     */
    private static void runWorkload(RangeOffloadTier tier, SplittableRandom random, long keyBase, int numOps,
            Map<Long, MemorySegment> pinned) {
        Map<Long, MemorySegment> evictable = new HashMap<>();
        try (Arena local = Arena.ofConfined()) {
            for (int op = 0; op < numOps; op++) {
                int choice = random.nextInt(20);
                if (choice < 2) {
                    long key = random.nextInt(SHARED_KEYS);
                    MemorySegment data = selfDescribing(local, random.nextLong());
                    if (random.nextBoolean()) {
                        tier.put(key, data);
                    } else {
                        tier.putEvictable(key, data);
                    }
                    continue;
                }
                if (choice < 4) {
                    MemorySegment dst = local.allocate(SHARED_BYTES);
                    if (tier.get(random.nextInt(SHARED_KEYS), dst)) {
                        assertThat(MemorySegment.mismatch(dst, 0, SHARED_BYTES,
                                selfDescribing(local, dst.get(ValueLayout.JAVA_LONG_UNALIGNED, 0)), 0, SHARED_BYTES))
                                .as("op %d: a shared key's payload is one writer's whole payload", op).isEqualTo(-1);
                    }
                    continue;
                }
                if (choice == 4) {
                    tier.remove(random.nextInt(SHARED_KEYS));
                    continue;
                }
                long key = keyBase + random.nextInt(24);
                if (choice < 10) {
                    MemorySegment data = randomBytes(local, random, 512L * (1 + random.nextInt(16)));
                    boolean asEvictable = random.nextInt(3) == 0;
                    boolean stored = asEvictable ? tier.putEvictable(key, data) : tier.put(key, data);
                    if (stored) {
                        (asEvictable ? evictable : pinned).put(key, data);
                        (asEvictable ? pinned : evictable).remove(key);
                    }
                } else if (choice < 18) {
                    MemorySegment want = pinned.containsKey(key) ? pinned.get(key) : evictable.get(key);
                    MemorySegment dst = local.allocate(want == null ? 512 : want.byteSize());
                    boolean found = tier.get(key, dst);
                    if (pinned.containsKey(key)) {
                        assertThat(found).as("op %d: pinned key %x", op, key).isTrue();
                    }
                    if (want == null) {
                        assertThat(found).as("op %d: absent key %x", op, key).isFalse();
                    } else if (found) {
                        assertThat(dst.mismatch(want)).as("op %d: key %x", op, key).isEqualTo(-1);
                    } else {
                        evictable.remove(key);
                    }
                } else {
                    tier.remove(key);
                    pinned.remove(key);
                    evictable.remove(key);
                }
            }
            // The models' segments die with this arena: keep heap copies for the final check.
            pinned.replaceAll((key, data) -> MemorySegment.ofArray(data.toArray(ValueLayout.JAVA_BYTE)));
        }
    }

    private static MemorySegment selfDescribing(Arena arena, long seed) {
        MemorySegment data = randomBytes(arena, new SplittableRandom(seed), SHARED_BYTES);
        data.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, seed);
        return data;
    }

    // ---- helpers ----

    protected final MemorySegment randomBytes(SplittableRandom random, long size) {
        return randomBytes(arena, random, size);
    }

    protected static MemorySegment randomBytes(Arena arena, SplittableRandom random, long size) {
        MemorySegment data = arena.allocate(size);
        long i = 0;
        for (; i + Long.BYTES <= size; i += Long.BYTES) {
            data.set(ValueLayout.JAVA_LONG_UNALIGNED, i, random.nextLong());
        }
        for (; i < size; i++) {
            data.set(ValueLayout.JAVA_BYTE, i, (byte) random.nextInt());
        }
        return data;
    }

    protected static void assertSameBytes(MemorySegment actual, MemorySegment expected, String what) {
        assertThat(actual.byteSize()).as(what).isEqualTo(expected.byteSize());
        assertThat(actual.mismatch(expected)).as(what + ": first differing byte").isEqualTo(-1);
    }

    private MemorySegment segmentOf(SegmentKind kind, MemorySegment data) {
        MemorySegment copy = emptyOf(kind == SegmentKind.READ_ONLY_NATIVE ? SegmentKind.NATIVE
                : kind == SegmentKind.READ_ONLY_BYTE_ARRAY ? SegmentKind.BYTE_ARRAY : kind, data.byteSize());
        copy.copyFrom(data);
        return kind == SegmentKind.READ_ONLY_NATIVE || kind == SegmentKind.READ_ONLY_BYTE_ARRAY ? copy.asReadOnly() : copy;
    }

    private MemorySegment emptyOf(SegmentKind kind, long size) {
        return switch (kind) {
            case NATIVE, READ_ONLY_NATIVE -> arena.allocate(size);
            case BYTE_ARRAY, READ_ONLY_BYTE_ARRAY -> MemorySegment.ofArray(new byte[Math.toIntExact(size)]);
            case LONG_ARRAY -> MemorySegment.ofArray(new long[Math.toIntExact((size + 7) / 8)]).asSlice(0, size);
        };
    }

    private static boolean allSameSize(Map<Long, MemorySegment> model, long size) {
        for (MemorySegment data : model.values()) {
            if (data.byteSize() != size) {
                return false;
            }
        }
        return true;
    }
}
