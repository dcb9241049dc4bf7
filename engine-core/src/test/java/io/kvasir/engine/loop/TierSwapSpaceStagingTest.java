package io.kvasir.engine.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.kvasir.api.GenerationRequest;
import io.kvasir.api.SamplingParams;
import io.kvasir.api.plugin.OffloadTier;
import io.kvasir.api.plugin.PluginKind;
import io.kvasir.engine.kv.BlockPool;
import io.kvasir.engine.kv.BlockTable;
import io.kvasir.engine.kv.KvCacheManager;
import io.kvasir.engine.kv.KvSequence;
import io.kvasir.engine.model.KvMemoryAccess;
import io.kvasir.engine.model.PagedKvMemory;
import io.kvasir.engine.plugin.PluginRegistry;
import io.kvasir.engine.plugin.StagedF32CodecProvider;
import io.kvasir.engine.sched.Request;
import io.kvasir.engine.testing.CollectingListener;

/**
 * Swapping through the tier with a codec that keeps staging: an open last block takes its staging along as one more
 * entry and comes back open, a full one takes none; discarding forgets both.
 */
class TierSwapSpaceStagingTest {

    private static final int LAYERS = 2;
    private static final int BLOCK_SIZE = 4;
    private static final int KV_HEADS = 2;
    private static final int HEAD_DIM = 8;
    private static final int KV_DIM = KV_HEADS * HEAD_DIM;

    private final PagedKvMemory memory = new PagedKvMemory(LAYERS, 16, BLOCK_SIZE, KV_HEADS, HEAD_DIM,
            StagedF32CodecProvider.codec());
    private final BlockPool pool = new BlockPool(16, BLOCK_SIZE);
    private final KvCacheManager kvCache = new KvCacheManager(pool, () -> 0L);
    private final OffloadTier tier = PluginRegistry.load().create(PluginKind.OFFLOAD_TIER, "host",
            Map.of("capacity_bytes", 1L << 20), OffloadTier.class);
    private final TierSwapSpace swapSpace = new TierSwapSpace(tier, memory);
    private final Request request = new Request(GenerationRequest.of("swapped", new int[] {1, 2},
            SamplingParams.builder().maxTokens(8).build()), new CollectingListener(), 0, 8);

    @AfterEach
    void close() {
        swapSpace.close();
        memory.close();
    }

    private static float[] vectors(int token, int layer, boolean value) {
        return KvMemoryAccess.vectors(token, layer, KV_DIM, value);
    }

    /** A sequence holding tokens {@code 0..numTokens-1}, written in every layer through the forward pass's path. */
    private KvSequence sequenceOf(int numTokens) {
        KvSequence sequence = kvCache.createSequence("t");
        assertThat(kvCache.allocateSlots(sequence, numTokens)).isTrue();
        writeTokens(sequence, 0, numTokens);
        return sequence;
    }

    private void writeTokens(KvSequence sequence, int from, int to) {
        BlockTable table = kvCache.blockTable(sequence);
        for (int l = 0; l < LAYERS; l++) {
            for (int p = from; p < to; p++) {
                KvMemoryAccess.write(memory, l, table.blockIdForToken(p), table.offsetInBlock(p), vectors(p, l, false),
                        vectors(p, l, true));
            }
        }
    }

    private void assertHolds(KvSequence sequence, int numTokens) {
        BlockTable table = kvCache.blockTable(sequence);
        float[] k = new float[KV_DIM];
        float[] v = new float[KV_DIM];
        for (int l = 0; l < LAYERS; l++) {
            for (int p = 0; p < numTokens; p++) {
                KvMemoryAccess.read(memory, l, table.blockIdForToken(p), table.offsetInBlock(p), k, v);
                assertThat(k).as("K of token %d in layer %d", p, l).containsExactly(vectors(p, l, false));
                assertThat(v).as("V of token %d in layer %d", p, l).containsExactly(vectors(p, l, true));
            }
        }
    }

    /** Swaps the sequence out and frees it, as preemption does; returns the bytes the tier took. */
    private long swapOutAndFree(KvSequence sequence) {
        long before = swapSpace.usedBytes();
        assertThat(swapSpace.swapOut(request, kvCache.blockTable(sequence))).isTrue();
        kvCache.free(sequence);
        memory.releaseStagingOfFreeBlocks(pool::isFree);
        return swapSpace.usedBytes() - before;
    }

    @Test
    void anOpenLastBlockTakesItsStagingAlongAndComesBackOpen() {
        long bytes = swapOutAndFree(sequenceOf(6));
        assertThat(bytes).isEqualTo(2 * memory.bytesPerBlock() + memory.stagingBytesPerBlock());
        assertThat(memory.stagingAreasInUse()).isZero();

        // Other work reuses the freed blocks (and the staging areas) before the request comes back.
        KvSequence other = sequenceOf(7);
        KvSequence resumed = kvCache.createSequence("t");
        assertThat(kvCache.allocateSlots(resumed, 6)).isTrue();
        assertThat(swapSpace.swapIn(request, kvCache.blockTable(resumed))).isTrue();
        swapSpace.discard(request);
        assertThat(swapSpace.usedBytes()).isZero();

        int last = kvCache.blockTable(resumed).blockId(1);
        assertThat(memory.isOpen(last)).isTrue();
        assertThat(memory.isOpen(kvCache.blockTable(resumed).blockId(0))).isFalse();
        assertHolds(resumed, 6);
        assertThat(kvCache.allocateSlots(resumed, 2)).isTrue();
        writeTokens(resumed, 6, 8);
        assertHolds(resumed, 8);
        assertThat(memory.isOpen(last)).isFalse();
        assertThat(memory.stagingAreasInUse()).as("only the other sequence's last block is open").isEqualTo(LAYERS);
        kvCache.free(other);
        kvCache.free(resumed);
        assertThat(memory.releaseStagingOfFreeBlocks(pool::isFree)).isEqualTo(LAYERS);
    }

    @Test
    void aFullLastBlockTakesNoStaging() {
        long bytes = swapOutAndFree(sequenceOf(8));
        assertThat(bytes).isEqualTo(2 * memory.bytesPerBlock());
        KvSequence resumed = kvCache.createSequence("t");
        assertThat(kvCache.allocateSlots(resumed, 9)).isTrue();
        assertThat(swapSpace.swapIn(request, kvCache.blockTable(resumed))).isTrue();
        assertHolds(resumed, 8);
        assertThat(memory.isOpen(kvCache.blockTable(resumed).blockId(1))).isFalse();
        swapSpace.discard(request);
        assertThat(swapSpace.usedBytes()).isZero();
    }

    @Test
    void discardingASwappedRequestForgetsItsStagingToo() {
        swapOutAndFree(sequenceOf(3));
        assertThat(swapSpace.usedBytes()).isPositive();
        swapSpace.discard(request);
        assertThat(swapSpace.usedBytes()).isZero();
        KvSequence resumed = kvCache.createSequence("t");
        assertThat(kvCache.allocateSlots(resumed, 3)).isTrue();
        assertThat(swapSpace.swapIn(request, kvCache.blockTable(resumed))).isFalse();
    }

    @Test
    void aSpilledPrefixBlockIsFullAndComesBackSealed() {
        KvSequence sequence = sequenceOf(4);
        int block = kvCache.blockTable(sequence).blockId(0);
        assertThat(swapSpace.spill(42L, block)).isTrue();
        kvCache.free(sequence);
        KvSequence restored = kvCache.createSequence("t");
        assertThat(kvCache.allocateSlots(restored, 4)).isTrue();
        assertThat(swapSpace.restore(42L, kvCache.blockTable(restored).blockId(0))).isTrue();
        assertHolds(restored, 4);

        KvSequence partial = sequenceOf(2);
        assertThatThrownBy(() -> swapSpace.spill(43L, kvCache.blockTable(partial).blockId(0)))
                .isInstanceOf(AssertionError.class).hasMessageContaining("partly filled");
    }
}
