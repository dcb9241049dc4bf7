package io.kvasir.engine.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import com.sun.management.ThreadMXBean;

import io.kvasir.api.plugin.KvCodec;
import io.kvasir.api.plugin.PluginKind;
import io.kvasir.engine.plugin.PluginRegistry;
import io.kvasir.engine.plugin.StagedF32CodecProvider;

/**
 * The staging rules of {@link PagedKvMemory} on the {@code test-staged-f32} codec, which throws when a block is
 * scored or read without the staging it needs: slot 0 opens a (layer, block), the last slot seals it, copies carry
 * the state, stale areas of freed blocks are reused or released.
 */
class PagedKvMemoryStagingTest {

    private static final int LAYERS = 2;
    private static final int BLOCKS = 8;
    private static final int BLOCK_SIZE = 4;
    private static final int KV_HEADS = 2;
    private static final int HEAD_DIM = 8;
    private static final int KV_DIM = KV_HEADS * HEAD_DIM;

    private final PagedKvMemory memory = new PagedKvMemory(LAYERS, BLOCKS, BLOCK_SIZE, KV_HEADS, HEAD_DIM,
            StagedF32CodecProvider.codec());

    @AfterEach
    void close() {
        memory.close();
    }

    private static float[] vectors(int token, int layer, boolean value) {
        return KvMemoryAccess.vectors(token, layer, KV_DIM, value);
    }

    /** Writes a token and, as a layer's attention does when it is done, returns a block it sealed. */
    private static void write(PagedKvMemory kv, int layer, int block, int slot, int token) {
        kv.writeToken(layer, block, slot, vectors(token, layer, false), 0, vectors(token, layer, true), 0);
        kv.releaseSealed();
    }

    /** Writes {@code tokens[i]} into slot {@code i} of the block, in every layer. */
    private static void fill(PagedKvMemory kv, int block, int... tokens) {
        for (int l = 0; l < LAYERS; l++) {
            for (int slot = 0; slot < tokens.length; slot++) {
                write(kv, l, block, slot, tokens[slot]);
            }
        }
    }

    /** Reads every slot of the block back and compares with what {@code tokens} wrote, in every layer. */
    private static void assertHolds(PagedKvMemory kv, int block, int... tokens) {
        float[] k = new float[KV_DIM];
        float[] v = new float[KV_DIM];
        for (int l = 0; l < LAYERS; l++) {
            for (int slot = 0; slot < tokens.length; slot++) {
                kv.readToken(l, block, slot, k, 0, v, 0);
                assertThat(k).as("K of slot %d of block %d in layer %d", slot, block, l)
                        .containsExactly(vectors(tokens[slot], l, false));
                assertThat(v).as("V of slot %d of block %d in layer %d", slot, block, l)
                        .containsExactly(vectors(tokens[slot], l, true));
            }
        }
    }

    @Test
    void aCodecWithoutStagingGetsNullAndAllocatesNoArea() {
        KvCodec f32 = PluginRegistry.load().create(PluginKind.KV_CODEC, "f32", Map.of(), KvCodec.class);
        try (PagedKvMemory plain = new PagedKvMemory(LAYERS, BLOCKS, BLOCK_SIZE, KV_HEADS, HEAD_DIM, f32)) {
            fill(plain, 3, 7, 8);
            assertThat(plain.staging(0, 3, 1)).isSameAs(MemorySegment.NULL);
            assertThat(plain.isOpen(3)).isFalse();
            assertThat(plain.stagingBytesPerBlock()).isZero();
            assertThat(plain.stagingAreasInUse()).isZero();
            assertThat(plain.stagingBytesAllocated()).isZero();
            assertThat(plain.releaseStagingOfFreeBlocks(b -> true)).isZero();
            assertHolds(plain, 3, 7, 8);
        }
    }

    @Test
    void slotZeroOpensABlockInOneLayerAndItsLastSlotSealsIt() {
        write(memory, 0, 5, 0, 1);
        assertThat(memory.staging(0, 5, 0).byteSize()).isPositive();
        assertThat(memory.staging(1, 5, 0)).as("layer 1 has not written the block yet").isSameAs(MemorySegment.NULL);
        assertThat(memory.stagingAreasInUse()).isEqualTo(1);
        write(memory, 1, 5, 0, 1);
        assertThat(memory.isOpen(5)).isTrue();
        assertThat(memory.stagingAreasInUse()).isEqualTo(LAYERS);
        assertHolds(memory, 5, 1);

        for (int l = 0; l < LAYERS; l++) {
            for (int slot = 1; slot < BLOCK_SIZE; slot++) {
                write(memory, l, 5, slot, slot + 1);
            }
        }
        assertThat(memory.isOpen(5)).isFalse();
        assertThat(memory.staging(0, 5, 1)).isSameAs(MemorySegment.NULL);
        assertThat(memory.stagingAreasInUse()).isZero();
        assertHolds(memory, 5, 1, 2, 3, 4);
        // The areas stay allocated, for the next open block: one chunk of one per layer.
        assertThat(memory.stagingBytesAllocated()).isEqualTo(memory.stagingBytesPerBlock());
        assertThat(memory.peakStagingAreasInUse()).isEqualTo(LAYERS);
    }

    @Test
    void eachHeadGetsItsOwnAlignedStaging() {
        fill(memory, 2, 9);
        MemorySegment head0 = memory.staging(0, 2, 0);
        MemorySegment head1 = memory.staging(0, 2, 1);
        long stagingBytes = memory.layout().stagingBytesPerHeadBlock();
        assertThat(head0.byteSize()).isGreaterThanOrEqualTo(stagingBytes);
        assertThat(head1.address() - head0.address()).isEqualTo(head0.byteSize());
        assertThat(head0.address() % 16).isZero();
        assertThat(memory.stagingBytesPerBlock()).isEqualTo(LAYERS * KV_HEADS * head0.byteSize());
    }

    @Test
    void aWriteBeforeSlotZeroIsRefused() {
        assertThatThrownBy(() -> write(memory, 0, 4, 1, 1)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("slot 1 of block 4 written in layer 0 before its slot 0");
    }

    @Test
    void aBlockFreedWhileOpenKeepsItsAreaUntilReleasedOrReusedBySlotZero() {
        fill(memory, 1, 10, 11);
        fill(memory, 6, 20);
        assertThat(memory.stagingAreasInUse()).isEqualTo(2 * LAYERS);

        // Block 1 is freed and allocated again: its next slot 0 takes its stale area back rather than another.
        fill(memory, 1, 30, 31, 32);
        assertThat(memory.stagingAreasInUse()).isEqualTo(2 * LAYERS);
        assertHolds(memory, 1, 30, 31, 32);

        // Block 6 is freed for good.
        assertThat(memory.releaseStagingOfFreeBlocks(b -> b == 6)).isEqualTo(LAYERS);
        assertThat(memory.stagingAreasInUse()).isEqualTo(LAYERS);
        assertThat(memory.isOpen(6)).isFalse();
        assertThat(memory.releaseStagingOfFreeBlocks(b -> b != 1)).isZero();
        assertHolds(memory, 1, 30, 31, 32);
    }

    @Test
    void theAreaPoolGrowsOneAreaPerLayerAtATimeAndNeverShrinks() {
        for (int block = 0; block < BLOCKS; block++) {
            fill(memory, block, block);
        }
        assertThat(memory.stagingAreasInUse()).isEqualTo(BLOCKS * LAYERS);
        assertThat(memory.stagingBytesAllocated()).isEqualTo(BLOCKS * memory.stagingBytesPerBlock());
        for (int block = 0; block < BLOCKS; block++) {
            assertHolds(memory, block, block);
        }
        assertThat(memory.releaseStagingOfFreeBlocks(b -> true)).isEqualTo(BLOCKS * LAYERS);
        assertThat(memory.stagingAreasInUse()).isZero();
        assertThat(memory.peakStagingAreasInUse()).isEqualTo(BLOCKS * LAYERS);
        assertThat(memory.stagingBytesAllocated()).isEqualTo(BLOCKS * memory.stagingBytesPerBlock());

        fill(memory, 3, 1, 2);
        assertThat(memory.stagingBytesAllocated()).as("reused, not allocated")
                .isEqualTo(BLOCKS * memory.stagingBytesPerBlock());
    }

    @Test
    void copyBlockGivesTheDestinationTheSourcesOpenStateAndStaging() {
        fill(memory, 0, 1, 2);
        fill(memory, 4, 9);
        memory.copyBlock(0, 4);
        assertThat(memory.isOpen(4)).isTrue();
        assertThat(memory.stagingAreasInUse()).as("block 4 kept its own area").isEqualTo(2 * LAYERS);
        memory.copyBlock(0, 5);
        assertThat(memory.stagingAreasInUse()).isEqualTo(3 * LAYERS);
        assertHolds(memory, 5, 1, 2);

        // Both copies and the source go on on their own.
        for (int l = 0; l < LAYERS; l++) {
            write(memory, l, 4, 2, 40);
            write(memory, l, 4, 3, 41);
            write(memory, l, 5, 2, 50);
            write(memory, l, 0, 2, 60);
        }
        assertHolds(memory, 4, 1, 2, 40, 41);
        assertHolds(memory, 5, 1, 2, 50);
        assertHolds(memory, 0, 1, 2, 60);
        assertThat(memory.isOpen(4)).isFalse();

        // A sealed source leaves the destination sealed, its stale area released.
        memory.copyBlock(4, 5);
        assertThat(memory.isOpen(5)).isFalse();
        assertThat(memory.stagingAreasInUse()).as("only block 0 is open").isEqualTo(LAYERS);
        assertHolds(memory, 5, 1, 2, 40, 41);
    }

    @Test
    void copyBlockInSealsTheBlockAndCopyStagingInReopensIt() {
        fill(memory, 2, 1, 2, 3);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment regions = arena.allocate(memory.bytesPerBlock());
            MemorySegment staging = arena.allocate(memory.stagingBytesPerBlock());
            memory.copyBlockOut(2, regions);
            memory.copyStagingOut(2, staging);

            // Into a block that was freed while open (its stale area goes back).
            fill(memory, 7, 70);
            memory.copyBlockIn(regions, 7);
            assertThat(memory.isOpen(7)).isFalse();
            assertThat(memory.stagingAreasInUse()).isEqualTo(LAYERS);
            memory.copyStagingIn(staging, 7);
            assertThat(memory.isOpen(7)).isTrue();
            assertHolds(memory, 7, 1, 2, 3);
            for (int l = 0; l < LAYERS; l++) {
                write(memory, l, 7, 3, 4);
            }
            assertHolds(memory, 7, 1, 2, 3, 4);
            assertThat(memory.isOpen(7)).isFalse();

            // A full block comes back sealed and is read without staging.
            memory.copyBlockOut(7, regions);
            memory.copyBlockIn(regions, 6);
            assertThat(memory.isOpen(6)).isFalse();
            assertHolds(memory, 6, 1, 2, 3, 4);
        }
        assertThatThrownBy(() -> memory.copyStagingOut(6, MemorySegment.NULL)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("block 6 holds no staging");
    }

    @Test
    void compactionReadsOpenBlocksThroughTheirStagingAndLeavesTheLastKeptBlockOpen() {
        // Eleven tokens in blocks 3, 0, 5: the last one open with three slots.
        int[] blockIds = {3, 0, 5};
        fill(memory, 3, 100, 101, 102, 103);
        fill(memory, 0, 104, 105, 106, 107);
        fill(memory, 5, 108, 109, 110);
        int[] keep = {0, 2, 5, 6, 7, 9, 10};
        float[] k = new float[keep.length * KV_DIM];
        float[] v = new float[keep.length * KV_DIM];

        memory.compact(blockIds, keep, keep.length, k, v);

        assertHolds(memory, 3, 100, 102, 105, 106);
        assertHolds(memory, 0, 107, 109, 110);
        assertThat(memory.isOpen(3)).isFalse();
        assertThat(memory.isOpen(0)).as("rewritten from slot 0, now partly filled").isTrue();
        // Block 5 is past the kept slots: open until the caller frees it and its staging is released.
        assertThat(memory.releaseStagingOfFreeBlocks(b -> b == 5)).isEqualTo(LAYERS);
        assertThat(memory.stagingAreasInUse()).isEqualTo(LAYERS);
        for (int l = 0; l < LAYERS; l++) {
            write(memory, l, 0, 3, 111);
        }
        assertHolds(memory, 0, 107, 109, 110, 111);
        assertThat(memory.stagingAreasInUse()).isZero();
    }

    @Test
    void compactionWithinTheOpenLastBlockKeepsItOpen() {
        fill(memory, 4, 1, 2, 3);
        memory.compact(new int[] {4}, new int[] {1, 2}, 2, new float[2 * KV_DIM], new float[2 * KV_DIM]);
        assertHolds(memory, 4, 2, 3);
        assertThat(memory.isOpen(4)).isTrue();
        assertThat(memory.stagingAreasInUse()).isEqualTo(LAYERS);
    }

    @Test
    void compactionRefusesScratchTooSmallForEveryHead() {
        fill(memory, 4, 1, 2, 3);
        assertThatThrownBy(() -> memory.compact(new int[] {4}, new int[] {1, 2}, 2, new float[2 * HEAD_DIM],
                new float[2 * HEAD_DIM])).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("scratch");
    }

    @Test
    void writingLookingUpAndReleasingStagingAllocateNothingOnceTheAreasExist() {
        Assumptions.assumeTrue(ManagementFactory.getThreadMXBean() instanceof ThreadMXBean counter
                && counter.isThreadAllocatedMemorySupported(), "this JVM does not count allocated bytes per thread");
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        float[] k = vectors(1, 0, false);
        float[] v = vectors(1, 0, true);
        long stagingBytesSeen = 0;
        long[] allocated = new long[400];
        for (int round = 0; round < allocated.length; round++) {
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int slot = 0; slot < BLOCK_SIZE; slot++) {
                for (int block = 0; block < BLOCKS; block++) {
                    for (int l = 0; l < LAYERS; l++) {
                        memory.writeToken(l, block, slot, k, 0, v, 0);
                        for (int h = 0; h < KV_HEADS; h++) {
                            stagingBytesSeen += memory.staging(l, block, h).byteSize()
                                    + memory.queryStaging(l, block, slot, h).byteSize();
                        }
                        memory.releaseSealed();
                    }
                }
            }
            for (int block = 0; block < BLOCKS; block++) {
                for (int l = 0; l < LAYERS; l++) {
                    memory.writeToken(l, block, 0, k, 0, v, 0);
                }
            }
            memory.releaseStagingOfFreeBlocks(b -> true);
            allocated[round] = threads.getCurrentThreadAllocatedBytes() - before;
        }
        // The first round grows the pool and early rounds run interpreted (copies from arrays allocate there); a JIT
        // recompilation may allocate in one later round, an allocating path in all. The codec's kernels are not
        // measured: whether C2 keeps their vectors unboxed is the codec's business.
        assertThat(stagingBytesSeen).isPositive();
        long[] late = Arrays.copyOfRange(allocated, allocated.length - 50, allocated.length);
        assertThat(Arrays.stream(late).min().orElseThrow())
                .as("fewest bytes allocated in a late round: %s", Arrays.toString(late)).isZero();
    }

    /**
     * A block sealed in a step keeps its staging, unchanged, for the queries written into it before its last slot
     * (so a chunk's earlier tokens score it as decoding did), until the step gives it back.
     */
    @Test
    void aBlockSealedInAStepKeepsItsStagingForEarlierQueriesUntilReleased() {
        fill(memory, 2, 10, 11, 12);
        memory.writeToken(0, 2, 3, vectors(13, 0, false), 0, vectors(13, 0, true), 0);
        assertThat(memory.staging(0, 2, 0).byteSize()).as("reads and later queries see the block sealed").isZero();
        assertThat(memory.staging(1, 2, 0).byteSize()).as("still open in layer 1").isPositive();
        assertThat(memory.queryStaging(0, 2, BLOCK_SIZE - 1, 0).byteSize()).as("the sealing query itself").isZero();
        for (int slot = 0; slot < BLOCK_SIZE - 1; slot++) {
            MemorySegment staging = memory.queryStaging(0, 2, slot, 1);
            assertThat(staging.byteSize()).as("query of slot %d", slot).isPositive();
            // Scores against one-hot queries give the keys the query sees: head 1's keys of slots 0..slot as written.
            for (int c = 0; c < HEAD_DIM; c++) {
                float[] q = new float[HEAD_DIM];
                q[c] = 1f;
                float[] scores = new float[slot + 1];
                memory.layout().keyScores(memory.region(0, 2, 1), staging, slot + 1, q, 0, 1f, scores, 0);
                for (int t = 0; t <= slot; t++) {
                    assertThat(scores[t]).as("slot %d's key, channel %d, seen by the query of slot %d", t, c, slot)
                            .isEqualTo(vectors(10 + t, 0, false)[HEAD_DIM + c]);
                }
            }
        }
        int inUse = memory.stagingAreasInUse();
        memory.releaseSealed();
        assertThat(memory.stagingAreasInUse()).isEqualTo(inUse - 1);
        assertThat(memory.queryStaging(0, 2, 0, 0).byteSize()).as("after the step").isZero();
    }

    @Test
    void blocksOfOneSlotBorrowStagingOnlyForTheWrite() {
        try (PagedKvMemory single = new PagedKvMemory(LAYERS, BLOCKS, 1, KV_HEADS, HEAD_DIM,
                StagedF32CodecProvider.codec())) {
            for (int block = 0; block < BLOCKS; block++) {
                for (int l = 0; l < LAYERS; l++) {
                    write(single, l, block, 0, block);
                }
                assertThat(single.isOpen(block)).isFalse();
            }
            assertThat(single.stagingAreasInUse()).isZero();
            assertThat(single.peakStagingAreasInUse()).isEqualTo(1);
            float[] k = new float[KV_DIM];
            float[] v = new float[KV_DIM];
            single.readToken(1, 6, 0, k, 0, v, 0);
            assertThat(k).containsExactly(vectors(6, 1, false));
        }
    }
}
