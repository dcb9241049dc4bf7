package io.kvasir.plugins.codec;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

import io.kvasir.api.plugin.KvBlockLayout;

/**
 * One (block, KV head) region and its staging, handed to a layout the way the engine does: staging for every write
 * and for reads of a partly filled block, {@link MemorySegment#NULL} once the last slot was written. Both start
 * full of garbage, as reused memory would be.
 */
public final class TestBlock {

    private final KvBlockLayout layout;
    private final int blockSize;
    private final MemorySegment region;
    private final MemorySegment staging;
    private int written;

    public TestBlock(KvBlockLayout layout, int blockSize, Arena arena, SplittableRandom random) {
        this(layout, blockSize, KvData.region(arena, layout.bytesPerHeadBlock(), random),
                layout.stagingBytesPerHeadBlock() == 0 ? MemorySegment.NULL
                        : KvData.region(arena, layout.stagingBytesPerHeadBlock(), random));
    }

    private TestBlock(KvBlockLayout layout, int blockSize, MemorySegment region, MemorySegment staging) {
        this.layout = layout;
        this.blockSize = blockSize;
        this.region = region;
        this.staging = staging;
    }

    /** A block in zeroed memory (for benchmarks that hold many). */
    public static TestBlock zeroed(KvBlockLayout layout, int blockSize, Arena arena) {
        long stagingBytes = layout.stagingBytesPerHeadBlock();
        return new TestBlock(layout, blockSize, arena.allocate(layout.bytesPerHeadBlock(), 64),
                stagingBytes == 0 ? MemorySegment.NULL : arena.allocate(stagingBytes, 64));
    }

    /** Writes a slot; slot 0 starts the block over, as a reused block does. */
    public void write(int slot, float[] k, int kOffset, float[] v, int vOffset) {
        if (slot != written && slot != 0) {
            throw new IllegalArgumentException("slot " + slot + " after " + written + " written");
        }
        layout.write(region, staging, slot, k, kOffset, v, vOffset);
        written = slot + 1;
    }

    /** What the engine hands over besides the region: the staging while the block is partly filled. */
    public MemorySegment staging() {
        return written < blockSize ? staging : MemorySegment.NULL;
    }

    public MemorySegment region() {
        return region;
    }

    public void read(int slot, float[] k, int kOffset, float[] v, int vOffset) {
        layout.read(region, staging(), slot, k, kOffset, v, vOffset);
    }

    public void keyScores(int numSlots, float[] q, int qOffset, float scale, float[] scores, int scoresOffset) {
        layout.keyScores(region, staging(), numSlots, q, qOffset, scale, scores, scoresOffset);
    }

    public void accumulateValues(int numSlots, float[] weights, int weightsOffset, float[] out, int outOffset) {
        layout.accumulateValues(region, numSlots, weights, weightsOffset, out, outOffset);
    }
}
