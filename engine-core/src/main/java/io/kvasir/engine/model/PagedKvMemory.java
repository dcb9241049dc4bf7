package io.kvasir.engine.model;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import io.kvasir.api.plugin.KvBlockLayout;
import io.kvasir.api.plugin.KvCodec;

/**
 * The bytes of every KV block on the CPU, in the format of a {@link KvCodec}: per layer one region of
 * {@link KvBlockLayout#bytesPerHeadBlock()} bytes (rounded up to 16) for each (block, KV head), laid out
 * block-major so that one block's regions are contiguous. Each layer starts on a 64-byte boundary, so a region
 * is 16-byte aligned, and 64-byte aligned when its size is a multiple of 64 (every codec's at head size 64 and
 * up). Padding regions to 64 bytes instead would cost small heads up to a tenth of their memory (the int8
 * codec's 288-byte region at head size 8 would take 320).
 *
 * <p>Only KV heads are stored (grouped-query attention): with the f32 codec a token costs exactly
 * {@code 2 × layers × kvHeads × headDim × 4} bytes. Region segments are sliced once at construction, so
 * the attention loop never allocates.
 *
 * <p>Lifetime: the memory belongs to a shared {@link Arena} owned by this object and is freed by
 * {@link #close()}. Block ids and reference counts are the host's business (the block pool); this class
 * only stores bytes.
 */
public final class PagedKvMemory implements AutoCloseable {

    private static final int LAYER_ALIGNMENT = 64;
    private static final int REGION_ALIGNMENT = 16;

    private final Arena arena;
    private final KvCodec codec;
    private final KvBlockLayout layout;
    private final MemorySegment[] layers;
    private final MemorySegment[][] regions;
    private final int numBlocks;
    private final int blockSize;
    private final int numKvHeads;
    private final long regionBytes;

    public PagedKvMemory(int numLayers, int numBlocks, int blockSize, int numKvHeads, int headDim, KvCodec codec) {
        if (numLayers <= 0 || numBlocks <= 0 || blockSize <= 0 || numKvHeads <= 0 || headDim <= 0) {
            throw new IllegalArgumentException("KV memory sizes must be positive");
        }
        this.codec = codec;
        this.layout = codec.layout(blockSize, headDim);
        this.numBlocks = numBlocks;
        this.blockSize = blockSize;
        this.numKvHeads = numKvHeads;
        this.regionBytes = alignedRegionBytes(layout);
        this.arena = Arena.ofShared();
        long bytesPerLayer = Math.multiplyExact(Math.multiplyExact((long) numBlocks, numKvHeads), regionBytes);
        layers = new MemorySegment[numLayers];
        regions = new MemorySegment[numLayers][numBlocks * numKvHeads];
        for (int l = 0; l < numLayers; l++) {
            layers[l] = arena.allocate(bytesPerLayer, LAYER_ALIGNMENT);
            for (int r = 0; r < numBlocks * numKvHeads; r++) {
                regions[l][r] = layers[l].asSlice(r * regionBytes, regionBytes);
            }
        }
    }

    /** Bytes one block takes over all layers and KV heads with {@code codec} (K and V, scales included). */
    public static long bytesPerBlock(KvCodec codec, int numLayers, int blockSize, int numKvHeads, int headDim) {
        return alignedRegionBytes(codec.layout(blockSize, headDim)) * numKvHeads * numLayers;
    }

    private static long alignedRegionBytes(KvBlockLayout layout) {
        return (layout.bytesPerHeadBlock() + REGION_ALIGNMENT - 1) & -REGION_ALIGNMENT;
    }

    public KvCodec codec() {
        return codec;
    }

    public KvBlockLayout layout() {
        return layout;
    }

    /** Bytes one block holds over all layers, K and V. */
    public long bytesPerBlock() {
        return regionBytes * numKvHeads * layers.length;
    }

    /** Bytes one token takes, amortised over a full block. */
    public double bytesPerToken() {
        return (double) bytesPerBlock() / blockSize;
    }

    /** Total bytes held. */
    public long byteSize() {
        return bytesPerBlock() * numBlocks;
    }

    public int numBlocks() {
        return numBlocks;
    }

    public int blockSize() {
        return blockSize;
    }

    /** The region of (block, KV head) in a layer. */
    MemorySegment region(int layer, int block, int kvHead) {
        return regions[layer][block * numKvHeads + kvHead];
    }

    /**
     * Moves the slots {@code keep[0..numKept)} (ascending) of a sequence to its slots {@code 0..numKept-1}, in
     * every layer and KV head, decoding and re-encoding through the codec so that layouts that quantise a
     * whole block (KIVI) stay consistent.
     *
     * @param blockIds the sequence's block table
     * @param k scratch of at least {@code numKept × headDim} floats
     * @param v scratch of the same size
     */
    public void compact(int[] blockIds, int[] keep, int numKept, float[] k, float[] v, int headDim) {
        for (int l = 0; l < layers.length; l++) {
            for (int h = 0; h < numKvHeads; h++) {
                for (int i = 0; i < numKept; i++) {
                    int slot = keep[i];
                    layout.read(region(l, blockIds[slot / blockSize], h), slot % blockSize, k, i * headDim, v, i * headDim);
                }
                for (int i = 0; i < numKept; i++) {
                    layout.write(region(l, blockIds[i / blockSize], h), i % blockSize, k, i * headDim, v, i * headDim);
                }
            }
        }
    }

    /** Copies a block's K and V in every layer (copy-on-write of a shared last block). */
    public void copyBlock(int srcBlock, int dstBlock) {
        long blockBytes = regionBytes * numKvHeads;
        for (MemorySegment layer : layers) {
            MemorySegment.copy(layer, srcBlock * blockBytes, layer, dstBlock * blockBytes, blockBytes);
        }
    }

    /** Copies a block of every layer into {@code dst} ({@link #bytesPerBlock()} bytes). */
    public void copyBlockOut(int block, MemorySegment dst) {
        long blockBytes = regionBytes * numKvHeads;
        for (int l = 0; l < layers.length; l++) {
            MemorySegment.copy(layers[l], block * blockBytes, dst, l * blockBytes, blockBytes);
        }
    }

    /** Copies {@code src} (as written by {@link #copyBlockOut}) into a block. */
    public void copyBlockIn(MemorySegment src, int block) {
        long blockBytes = regionBytes * numKvHeads;
        for (int l = 0; l < layers.length; l++) {
            MemorySegment.copy(src, l * blockBytes, layers[l], block * blockBytes, blockBytes);
        }
    }

    @Override
    public void close() {
        arena.close();
    }
}
