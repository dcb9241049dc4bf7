package io.kvasir.engine.model;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The bytes of every KV block on the CPU: per layer one K and one V region of
 * {@code numBlocks × numKvHeads × blockSize × headDim} floats.
 *
 * <p>Layout: block-major, then KV head, then slot, then the head's dimensions, so the keys one head
 * attends over inside a block are contiguous. Only KV heads are stored (grouped-query attention), so a
 * token costs exactly {@code 2 × layers × kvHeads × headDim × 4} bytes.
 *
 * <p>Lifetime: the memory belongs to a shared {@link Arena} owned by this object and is freed by
 * {@link #close()}. Block ids and reference counts are the host's business (the block pool); this class
 * only stores bytes.
 */
public final class PagedKvMemory implements AutoCloseable {

    static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT;

    private final Arena arena;
    private final MemorySegment[] keys;
    private final MemorySegment[] values;
    private final int numBlocks;
    private final int blockSize;
    private final int numKvHeads;
    private final int headDim;

    public PagedKvMemory(int numLayers, int numBlocks, int blockSize, int numKvHeads, int headDim) {
        if (numLayers <= 0 || numBlocks <= 0 || blockSize <= 0 || numKvHeads <= 0 || headDim <= 0) {
            throw new IllegalArgumentException("KV memory sizes must be positive");
        }
        this.numBlocks = numBlocks;
        this.blockSize = blockSize;
        this.numKvHeads = numKvHeads;
        this.headDim = headDim;
        this.arena = Arena.ofShared();
        long bytesPerLayer = Math.multiplyExact((long) numBlocks * numKvHeads * blockSize * headDim, Float.BYTES);
        keys = new MemorySegment[numLayers];
        values = new MemorySegment[numLayers];
        for (int l = 0; l < numLayers; l++) {
            keys[l] = arena.allocate(bytesPerLayer, 64);
            values[l] = arena.allocate(bytesPerLayer, 64);
        }
    }

    /** Bytes one token's K and V take over all layers. */
    public long bytesPerToken() {
        return 2L * keys.length * numKvHeads * headDim * Float.BYTES;
    }

    /** Total bytes held. */
    public long byteSize() {
        return 2L * keys.length * keys[0].byteSize();
    }

    public int numBlocks() {
        return numBlocks;
    }

    public int blockSize() {
        return blockSize;
    }

    MemorySegment keys(int layer) {
        return keys[layer];
    }

    MemorySegment values(int layer) {
        return values[layer];
    }

    /** Float index of (block, kvHead, slot) within a layer's region. */
    long offset(int block, int kvHead, int slot) {
        return (((long) block * numKvHeads + kvHead) * blockSize + slot) * headDim;
    }

    /** Copies a block's K and V in every layer (copy-on-write of a shared last block). */
    public void copyBlock(int srcBlock, int dstBlock) {
        long blockFloats = (long) numKvHeads * blockSize * headDim;
        for (int l = 0; l < keys.length; l++) {
            MemorySegment.copy(keys[l], srcBlock * blockFloats * 4, keys[l], dstBlock * blockFloats * 4, blockFloats * 4);
            MemorySegment.copy(values[l], srcBlock * blockFloats * 4, values[l], dstBlock * blockFloats * 4, blockFloats * 4);
        }
    }

    @Override
    public void close() {
        arena.close();
    }
}
