package io.kvasir.api.plugin;

import java.lang.foreign.MemorySegment;

/**
 * Reads and writes the K and V vectors of one KV head inside one block: a region of
 * {@link #bytesPerHeadBlock()} bytes the engine hands over as a segment (little-endian, 16-byte aligned; 64-byte
 * aligned when the size is a multiple of 64).
 *
 * <p>A block fills slot by slot, in order. A layout may keep the newest slots in a staging format until
 * a group completes (KIVI quantises keys per channel over a whole block), so reads of slot {@code i} are
 * valid once slots {@code 0..i} were written. Implementations are stateless and thread-safe: many worker
 * threads call them on different regions at once. Hot methods must not allocate.
 */
public interface KvBlockLayout {

    /** Bytes one (block, KV head) region takes, K and V together, scales included. */
    long bytesPerHeadBlock();

    /** Stores token {@code slot}'s K and V vectors ({@code headDim} floats each). */
    void write(MemorySegment region, int slot, float[] k, int kOffset, float[] v, int vOffset);

    /**
     * Attention scores {@code scores[scoresOffset + i] = scale × (q · K[i])} for slots {@code 0..numSlots-1}.
     */
    void keyScores(MemorySegment region, int numSlots, float[] q, int qOffset, float scale, float[] scores, int scoresOffset);

    /** {@code out[outOffset..] += Σ weights[weightsOffset + i] × V[i]} over slots {@code 0..numSlots-1}. */
    void accumulateValues(MemorySegment region, int numSlots, float[] weights, int weightsOffset, float[] out, int outOffset);

    /** Decodes token {@code slot}'s K and V (for swapping, compaction and tests). */
    void read(MemorySegment region, int slot, float[] k, int kOffset, float[] v, int vOffset);
}
