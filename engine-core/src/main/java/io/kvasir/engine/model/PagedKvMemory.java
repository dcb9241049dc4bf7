package io.kvasir.engine.model;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.function.IntPredicate;

import org.jspecify.annotations.Nullable;

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
 * <p><b>Staging.</b> A layout that needs a whole block to encode it asks for staging per (block, KV head)
 * ({@link KvBlockLayout#stagingBytesPerHeadBlock()}); this class keeps it in {@link KvStagingAreas}, outside the
 * blocks, only for the (layer, block) pairs that are <em>open</em>: slot 0 written, the last slot not yet. Tokens are
 * written one at a time with every KV head ({@link #writeToken}), which applies the rules:
 * <ul>
 *   <li>a write of slot 0 opens the (layer, block): it takes an area, or keeps the one it still holds (a stale area
 *       of a block that was freed while open);</li>
 *   <li>a write of any other slot finds the (layer, block) open;</li>
 *   <li>once every head's last slot is written the (layer, block) is sealed: from then on its regions are
 *       self-contained (the layout gets {@link MemorySegment#NULL} as staging), but its area stays, unchanged, until
 *       {@link #releaseSealed} (after the step's attention, or at the end of a compaction), for the queries written
 *       into the block before its last slot: {@link #queryStaging} gives them the block as it stood when they were
 *       written, so chunked prefill and recomputation score exactly as token-by-token decoding did;</li>
 *   <li>{@link #copyBlock} gives the destination the source's state, staging included; {@link #copyBlockIn} leaves
 *       the block sealed, {@link #copyStagingIn} opens it with the staging {@link #copyStagingOut} saved;</li>
 *   <li>a block freed while open keeps its area until {@link #releaseStagingOfFreeBlocks} (the engine calls it
 *       after every step), so when no sequence is live no area is in use.</li>
 * </ul>
 * Between steps every layer has written the same slots, so a block is open in all layers or in none
 * ({@link #isOpen} asserts it). With a staging size of 0 (every codec that encodes slot by slot) no area exists and
 * the layout always gets {@link MemorySegment#NULL}.
 *
 * <p>Lifetime: the memory, regions and staging areas, belongs to a shared {@link Arena} owned by this object and is
 * freed by {@link #close()}. Block ids and reference counts are the host's business (the block pool); this class
 * only stores bytes, and learns which blocks are free only when asked to release their staging.
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
    private final int headDim;
    private final long regionBytes;
    /** Null when the layout needs no staging. */
    private final @Nullable KvStagingAreas staging;

    public PagedKvMemory(int numLayers, int numBlocks, int blockSize, int numKvHeads, int headDim, KvCodec codec) {
        if (numLayers <= 0 || numBlocks <= 0 || blockSize <= 0 || numKvHeads <= 0 || headDim <= 0) {
            throw new IllegalArgumentException("KV memory sizes must be positive");
        }
        this.codec = codec;
        this.layout = codec.layout(blockSize, headDim);
        this.numBlocks = numBlocks;
        this.blockSize = blockSize;
        this.numKvHeads = numKvHeads;
        this.headDim = headDim;
        this.regionBytes = alignedRegionBytes(layout);
        long stagingBytesPerHead = layout.stagingBytesPerHeadBlock();
        if (stagingBytesPerHead < 0) {
            throw new IllegalArgumentException("codec " + codec.name() + " asks for " + stagingBytesPerHead
                    + " bytes of staging");
        }
        this.arena = Arena.ofShared();
        this.staging = stagingBytesPerHead == 0 ? null
                : new KvStagingAreas(arena, numLayers, numBlocks, numKvHeads, stagingBytesPerHead);
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

    /**
     * The most staging bytes an engine can hold at once with {@code codec} (0 for codecs without staging): one open
     * block per running request in every layer, the blocks one layer seals within a step and keeps until its
     * attention is done (at most {@code stepTokens / blockSize + maxRunning}: a request's chunk seals one block per
     * {@code blockSize} tokens, plus one it started in an earlier step), and one growth chunk of slack (the pool grows
     * by {@code numLayers} areas). The engine sets it aside from its KV budget before counting blocks.
     */
    public static long stagingReserve(KvCodec codec, int numLayers, int blockSize, int numKvHeads, int headDim,
            int maxRunning, int stepTokens) {
        long perHead = codec.layout(blockSize, headDim).stagingBytesPerHeadBlock();
        if (perHead == 0) {
            return 0;
        }
        long areas = (long) maxRunning * numLayers + (stepTokens + blockSize - 1) / blockSize + maxRunning + numLayers;
        return Math.multiplyExact(areas, KvStagingAreas.alignedHeadBytes(perHead) * numKvHeads);
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

    /**
     * Bytes one token takes, amortised over a full block; the staging of open blocks is not included
     * ({@link #stagingBytesAllocated()}).
     */
    public double bytesPerToken() {
        return (double) bytesPerBlock() / blockSize;
    }

    /** Bytes of all blocks; the staging areas come on top ({@link #stagingBytesAllocated()}). */
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
     * The staging of (block, KV head) in a layer while the block is open there, else {@link MemorySegment#NULL}:
     * what the layout's {@code keyScores} and {@code read} get.
     */
    MemorySegment staging(int layer, int block, int kvHead) {
        return staging == null ? MemorySegment.NULL : staging.staging(layer, block, kvHead);
    }

    /**
     * The staging a query written into {@code slot} of a block scores that block with: the block's staging while the
     * block was open as of the query (its slot is not the last), even if a later token of the same step sealed it;
     * else {@link MemorySegment#NULL}. So every query sees its own block as token-by-token decoding would, whatever
     * the chunking (the prefill of a prompt, the recomputation of a preempted request).
     */
    MemorySegment queryStaging(int layer, int block, int slot, int kvHead) {
        return staging == null || slot == blockSize - 1 ? MemorySegment.NULL : staging.queryStaging(layer, block, kvHead);
    }

    /**
     * Returns the staging of the blocks sealed since the last call (kept for {@link #queryStaging}); the forward pass
     * calls it once its attention is done, compaction once it has written every kept token.
     */
    public void releaseSealed() {
        if (staging != null) {
            staging.releaseSealed();
        }
    }

    /**
     * Writes one token's K and V of every KV head into {@code slot} of a block in a layer, opening and sealing the
     * block's staging as the class comment says (a sealed block's area is kept until {@link #releaseSealed}). Head
     * {@code h}'s vectors start at {@code kOffset + h × headDim} and {@code vOffset + h × headDim}.
     */
    void writeToken(int layer, int block, int slot, float[] k, int kOffset, float[] v, int vOffset) {
        assert slot >= 0 && slot < blockSize : slot;
        KvStagingAreas areas = staging;
        if (areas == null) {
            for (int h = 0; h < numKvHeads; h++) {
                layout.write(region(layer, block, h), MemorySegment.NULL, slot, k, kOffset + h * headDim, v,
                        vOffset + h * headDim);
            }
            return;
        }
        if (slot == 0) {
            areas.open(layer, block);
        }
        assert areas.isOpen(layer, block) : "slot " + slot + " of block " + block + " written in layer " + layer
                + " before its slot 0";
        for (int h = 0; h < numKvHeads; h++) {
            layout.write(region(layer, block, h), areas.staging(layer, block, h), slot, k, kOffset + h * headDim, v,
                    vOffset + h * headDim);
        }
        if (slot == blockSize - 1) {
            areas.seal(layer, block);
        }
    }

    /** Decodes one token's K and V of every KV head (laid out as {@link #writeToken} takes them). */
    void readToken(int layer, int block, int slot, float[] k, int kOffset, float[] v, int vOffset) {
        assert slot >= 0 && slot < blockSize : slot;
        for (int h = 0; h < numKvHeads; h++) {
            layout.read(region(layer, block, h), staging(layer, block, h), slot, k, kOffset + h * headDim, v,
                    vOffset + h * headDim);
        }
    }

    /**
     * Moves the slots {@code keep[0..numKept)} (ascending) of a sequence to its slots {@code 0..numKept-1}, in
     * every layer and KV head, decoding and re-encoding through the codec so that layouts that quantise a
     * whole block (KIVI) stay consistent. Per layer every kept slot is decoded before any is written: a write of
     * slot 0 may reuse the staging of the open block the later slots are read from. The rewritten blocks open and
     * seal their staging as fresh writes do; blocks past the kept slots keep theirs until the caller frees them
     * and {@link #releaseStagingOfFreeBlocks} runs.
     *
     * @param blockIds the sequence's block table
     * @param k scratch of at least {@code numKept × numKvHeads × headDim} floats
     * @param v scratch of the same size
     */
    public void compact(int[] blockIds, int[] keep, int numKept, float[] k, float[] v) {
        int kvDim = numKvHeads * headDim;
        if (k.length < (long) numKept * kvDim || v.length < (long) numKept * kvDim) {
            throw new IllegalArgumentException("compaction scratch of " + Math.min(k.length, v.length)
                    + " floats cannot hold " + numKept + " tokens of " + kvDim);
        }
        try {
            for (int l = 0; l < layers.length; l++) {
                for (int i = 0; i < numKept; i++) {
                    int slot = keep[i];
                    readToken(l, blockIds[slot / blockSize], slot % blockSize, k, i * kvDim, v, i * kvDim);
                }
                for (int i = 0; i < numKept; i++) {
                    writeToken(l, blockIds[i / blockSize], i % blockSize, k, i * kvDim, v, i * kvDim);
                }
            }
        } finally {
            // Also when the codec throws: no sealed block may carry its area into the next step.
            releaseSealed();
        }
    }

    /**
     * Copies a block's K and V in every layer (copy-on-write of a shared last block), staging included: the
     * destination is open exactly where the source is.
     */
    public void copyBlock(int srcBlock, int dstBlock) {
        long blockBytes = regionBytes * numKvHeads;
        for (int l = 0; l < layers.length; l++) {
            MemorySegment.copy(layers[l], srcBlock * blockBytes, layers[l], dstBlock * blockBytes, blockBytes);
            if (staging != null) {
                staging.copy(l, srcBlock, dstBlock);
            }
        }
    }

    /**
     * Copies a block of every layer into {@code dst} ({@link #bytesPerBlock()} bytes): its regions only; an open
     * block's staging goes separately ({@link #copyStagingOut}).
     */
    public void copyBlockOut(int block, MemorySegment dst) {
        long blockBytes = regionBytes * numKvHeads;
        for (int l = 0; l < layers.length; l++) {
            MemorySegment.copy(layers[l], block * blockBytes, dst, l * blockBytes, blockBytes);
        }
    }

    /**
     * Copies {@code src} (as written by {@link #copyBlockOut}) into a block, which is then sealed in every layer (a
     * stale area it held goes back); follow with {@link #copyStagingIn} to restore an open block.
     */
    public void copyBlockIn(MemorySegment src, int block) {
        long blockBytes = regionBytes * numKvHeads;
        for (int l = 0; l < layers.length; l++) {
            MemorySegment.copy(src, l * blockBytes, layers[l], block * blockBytes, blockBytes);
            if (staging != null) {
                staging.release(l, block);
            }
        }
    }

    /**
     * Whether a block is open (its slot 0 was written, its last slot not yet) and so holds staging; always false
     * for a layout without staging. Meant for between steps, when every layer agrees (asserted).
     */
    public boolean isOpen(int block) {
        if (staging == null) {
            return false;
        }
        boolean open = staging.isOpen(0, block);
        assert openInEveryLayer(block, open) : "block " + block + " is open in some layers only";
        return open;
    }

    private boolean openInEveryLayer(int block, boolean open) {
        for (int l = 1; l < layers.length; l++) {
            if (staging.isOpen(l, block) != open) {
                return false;
            }
        }
        return true;
    }

    /** Bytes of an open block's staging over all layers ({@link #copyStagingOut}); 0 without staging. */
    public long stagingBytesPerBlock() {
        return staging == null ? 0 : staging.areaBytes() * layers.length;
    }

    /** Copies an open block's staging of every layer into {@code dst} ({@link #stagingBytesPerBlock()} bytes). */
    public void copyStagingOut(int block, MemorySegment dst) {
        if (staging == null || !isOpen(block)) {
            throw new IllegalStateException("block " + block + " holds no staging");
        }
        long areaBytes = staging.areaBytes();
        for (int l = 0; l < layers.length; l++) {
            MemorySegment.copy(staging.area(l, block), 0, dst, l * areaBytes, areaBytes);
        }
    }

    /**
     * Opens a block in every layer with the staging in {@code src} (as written by {@link #copyStagingOut}), after
     * {@link #copyBlockIn} brought its regions back.
     */
    public void copyStagingIn(MemorySegment src, int block) {
        if (staging == null) {
            throw new IllegalStateException("the " + codec.name() + " codec keeps no staging");
        }
        long areaBytes = staging.areaBytes();
        for (int l = 0; l < layers.length; l++) {
            staging.open(l, block);
            MemorySegment.copy(src, l * areaBytes, staging.area(l, block), 0, areaBytes);
        }
    }

    /**
     * Takes back the staging of blocks that {@code isFree} says are free (sequences that finished, were preempted
     * or shrank while their last block was open); returns how many (layer, block) areas went back. Only once no
     * copy is pending: the source of a copy-on-write may be free already (its other holder ended) and still be read.
     */
    public int releaseStagingOfFreeBlocks(IntPredicate isFree) {
        return staging == null ? 0 : staging.releaseFree(isFree);
    }

    /** Staging areas assigned now, one per open (layer, block). */
    public int stagingAreasInUse() {
        return staging == null ? 0 : staging.numInUse();
    }

    /** Bytes of the staging areas assigned now. */
    public long stagingBytesInUse() {
        return staging == null ? 0 : staging.numInUse() * staging.areaBytes();
    }

    /** The most staging areas assigned at once so far. */
    public int peakStagingAreasInUse() {
        return staging == null ? 0 : staging.peakInUse();
    }

    /** Bytes allocated for staging areas, assigned or not (they are kept for reuse until {@link #close()}). */
    public long stagingBytesAllocated() {
        return staging == null ? 0 : staging.bytesAllocated();
    }

    @Override
    public void close() {
        arena.close();
    }
}
