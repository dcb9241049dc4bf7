package io.kvasir.api.plugin;

import java.lang.foreign.MemorySegment;

/**
 * Reads and writes the K and V vectors of one KV head inside one block: a region of
 * {@link #bytesPerHeadBlock()} bytes the engine hands over as a segment (little-endian, 16-byte aligned; 64-byte
 * aligned when the size is a multiple of 64).
 *
 * <p>A block fills slot by slot, in order, so reads of slot {@code i} are valid once slots {@code 0..i} were
 * written. Implementations are stateless and thread-safe: many worker threads call them on different regions at
 * once. Hot methods must not allocate.
 *
 * <p><b>Staging.</b> A layout that needs the whole block before it can encode it (KIVI quantises keys per channel
 * over the block's tokens) asks for {@link #stagingBytesPerHeadBlock()} bytes of staging per (block, KV head). The
 * engine keeps staging only for blocks that are partly filled, outside the blocks, so it costs memory per
 * sequence rather than per token:
 * <ul>
 *   <li>writes of slots {@code 0..blockSize-1} get the block's staging segment (its contents are unspecified when
 *       slot 0 is written: the area may have served another block);</li>
 *   <li>once slot {@code blockSize-1} is written the block is sealed: the write must leave the region
 *       self-contained, and later calls on that block get {@link MemorySegment#NULL} (size 0) — with one exception:
 *       within the step that sealed it, the scores of a query written into the block before its last slot
 *       ({@code numSlots < blockSize}) still get its staging, so that the query sees the block as it stood when it
 *       was written, as token-by-token decoding would. The last write must therefore leave the staging's contents
 *       as they were; the engine takes the staging back after the step;</li>
 *   <li>reads and scores of a block whose last slot was not written yet get its staging segment.</li>
 * </ul>
 * So a layout decides from the staging segment alone: non-empty, the keys of slots {@code 0..numSlots-1} are in it
 * ({@code numSlots < blockSize}); empty, the region holds everything.
 * A layout whose staging size is 0 (the default) always gets {@link MemorySegment#NULL}, and may be called through
 * the convenience overloads without a staging argument.
 */
public interface KvBlockLayout {

    /** Bytes one (block, KV head) region takes, K and V together, scales included. */
    long bytesPerHeadBlock();

    /**
     * Bytes of staging one (block, KV head) needs while the block is partly filled; 0 (the default) for a layout
     * that encodes each slot on its own.
     */
    default long stagingBytesPerHeadBlock() {
        return 0;
    }

    /** Stores token {@code slot}'s K and V vectors ({@code headDim} floats each). */
    void write(MemorySegment region, MemorySegment staging, int slot, float[] k, int kOffset, float[] v, int vOffset);

    /**
     * Attention scores {@code scores[scoresOffset + i] = scale × (q · K[i])} for slots {@code 0..numSlots-1}.
     */
    void keyScores(MemorySegment region, MemorySegment staging, int numSlots, float[] q, int qOffset, float scale,
            float[] scores, int scoresOffset);

    /**
     * {@code out[outOffset..] += Σ weights[weightsOffset + i] × V[i]} over slots {@code 0..numSlots-1}. Values are
     * never staged: they are read from the region alone.
     */
    void accumulateValues(MemorySegment region, int numSlots, float[] weights, int weightsOffset, float[] out, int outOffset);

    /** Decodes token {@code slot}'s K and V (for swapping, compaction and tests). */
    void read(MemorySegment region, MemorySegment staging, int slot, float[] k, int kOffset, float[] v, int vOffset);

    /** {@link #write(MemorySegment, MemorySegment, int, float[], int, float[], int)} without staging. */
    default void write(MemorySegment region, int slot, float[] k, int kOffset, float[] v, int vOffset) {
        write(region, MemorySegment.NULL, slot, k, kOffset, v, vOffset);
    }

    /** {@link #keyScores(MemorySegment, MemorySegment, int, float[], int, float, float[], int)} without staging. */
    default void keyScores(MemorySegment region, int numSlots, float[] q, int qOffset, float scale, float[] scores,
            int scoresOffset) {
        keyScores(region, MemorySegment.NULL, numSlots, q, qOffset, scale, scores, scoresOffset);
    }

    /** {@link #read(MemorySegment, MemorySegment, int, float[], int, float[], int)} without staging. */
    default void read(MemorySegment region, int slot, float[] k, int kOffset, float[] v, int vOffset) {
        read(region, MemorySegment.NULL, slot, k, kOffset, v, vOffset);
    }
}
