package io.kvasir.engine.model;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.function.IntPredicate;

import io.kvasir.api.plugin.KvBlockLayout;

/**
 * The staging of partly filled KV blocks, for a codec layout that asks for some
 * ({@link KvBlockLayout#stagingBytesPerHeadBlock()}): a pool of areas, each holding every KV head's staging of one
 * (layer, block) pair whose slot 0 was written and whose last slot was not yet. Staging thus costs memory per open
 * block (about one per sequence and layer), not per token.
 *
 * <p>Areas belong to (layer, block) pairs rather than to blocks because within one step the layers write a token
 * one after the other: layer {@code l} seals a block (writes its last slot) before its own attention, while later
 * layers still read that block through its staging.
 *
 * <p>The pool grows by {@code numLayers} areas (one open block in every layer) whenever it runs dry, and never
 * shrinks: a sequence opens a block every {@code blockSize} tokens, so the areas of a steady load are reused
 * rather than reallocated. The head segments are sliced when an area is allocated, so looking one up allocates
 * nothing.
 *
 * <p>A block sealed during a step keeps its area, read-only, until the step's attention is done ({@link #seal},
 * {@link #releaseSealed}): a query is scored against its own block as that block stood when the query was written,
 * through the staging while the query's slot is not the last, even if later tokens of the same chunk sealed it.
 * So prefill in chunks of any size, and a recomputed request, see the keys that token-by-token decoding saw.
 *
 * <p>Invariants:
 * <ul>
 *   <li>{@code areaOf[l][b] == a >= 0} or {@code sealedAreaOf[l][b] == a >= 0} (never both) exactly when
 *       {@code ownerLayer[a] == l} and {@code ownerBlock[a] == b}; every other area is on the free stack, once;
 *       the sealed ones are listed in {@code sealedAreas}, once;</li>
 *   <li>{@code numInUse + numFree == numAreas} (sealed areas count as in use until released), and
 *       {@code numAreas <= 2 × numLayers × numBlocks};</li>
 *   <li>an area's contents are undefined when it is assigned (the layout's slot-0 write starts over).</li>
 * </ul>
 *
 * <p>The memory belongs to the arena of the {@link PagedKvMemory} that owns this object and lives until that arena
 * closes. Only the engine loop assigns and releases areas; the forward pass's workers read staging segments during
 * attention, after the loop's writes of the step (the executor's hand-off orders them).
 */
final class KvStagingAreas {

    private static final int NO_AREA = -1;
    private static final int HEAD_ALIGNMENT = 16;
    private static final int AREA_ALIGNMENT = 64;

    private final Arena arena;
    private final int numLayers;
    private final int numKvHeads;
    private final long headBytes;
    private final long areaBytes;
    private final int maxAreas;
    /** Per layer and block: the area assigned, or {@link #NO_AREA} (the block is sealed, or free). */
    private final int[][] areaOf;
    /** Per layer and block: the area of a block sealed in this step, kept for its queries' scores. */
    private final int[][] sealedAreaOf;
    private int[] sealedAreas = new int[0];
    private int numSealed;
    private int[] ownerLayer = new int[0];
    private int[] ownerBlock = new int[0];
    private int[] freeStack = new int[0];
    private MemorySegment[] areas = new MemorySegment[0];
    /** {@code headSegments[a × numKvHeads + h]}: head {@code h}'s staging in area {@code a}. */
    private MemorySegment[] headSegments = new MemorySegment[0];
    private int numAreas;
    private int numFree;
    private int numInUse;
    private int peakInUse;

    /**
     * @param stagingBytesPerHead the layout's staging per (block, KV head), positive; rounded up to 16 bytes so that
     *     every head's segment is 16-byte aligned (64-byte aligned when the rounded size is a multiple of 64)
     */
    KvStagingAreas(Arena arena, int numLayers, int numBlocks, int numKvHeads, long stagingBytesPerHead) {
        if (stagingBytesPerHead <= 0) {
            throw new IllegalArgumentException("staging areas need a positive staging size, got " + stagingBytesPerHead);
        }
        this.arena = arena;
        this.numLayers = numLayers;
        this.numKvHeads = numKvHeads;
        this.headBytes = alignedHeadBytes(stagingBytesPerHead);
        this.areaBytes = Math.multiplyExact(headBytes, numKvHeads);
        // A block may hold a sealed area and, reopened by compaction in the same pass, a new one.
        this.maxAreas = Math.multiplyExact(2 * numLayers, numBlocks);
        this.areaOf = new int[numLayers][numBlocks];
        this.sealedAreaOf = new int[numLayers][numBlocks];
        for (int l = 0; l < numLayers; l++) {
            Arrays.fill(areaOf[l], NO_AREA);
            Arrays.fill(sealedAreaOf[l], NO_AREA);
        }
    }

    /** Bytes of one head's staging in an area. */
    static long alignedHeadBytes(long stagingBytesPerHead) {
        return (stagingBytesPerHead + HEAD_ALIGNMENT - 1) & -HEAD_ALIGNMENT;
    }

    /** Bytes of one area: every KV head's staging of one (layer, block). */
    long areaBytes() {
        return areaBytes;
    }

    /** Whether the block holds an area in the layer. */
    boolean isOpen(int layer, int block) {
        return areaOf[layer][block] != NO_AREA;
    }

    /** Head {@code kvHead}'s staging of the (layer, block), or {@link MemorySegment#NULL} when it holds no area. */
    MemorySegment staging(int layer, int block, int kvHead) {
        int area = areaOf[layer][block];
        return area == NO_AREA ? MemorySegment.NULL : headSegments[area * numKvHeads + kvHead];
    }

    /**
     * Head {@code kvHead}'s staging of the (layer, block) as a query written into it sees it: the open block's, or
     * the area of a block sealed in this step; {@link MemorySegment#NULL} for a block sealed before.
     */
    MemorySegment queryStaging(int layer, int block, int kvHead) {
        int area = areaOf[layer][block];
        if (area == NO_AREA) {
            area = sealedAreaOf[layer][block];
        }
        return area == NO_AREA ? MemorySegment.NULL : headSegments[area * numKvHeads + kvHead];
    }

    /**
     * Seals an open (layer, block): it reads as sealed from now on, but its area stays assigned, unchanged, until
     * {@link #releaseSealed}, for the scores of the queries written into the block before its last slot.
     */
    void seal(int layer, int block) {
        int area = areaOf[layer][block];
        assert area != NO_AREA : "block " + block + " is not open in layer " + layer;
        assert sealedAreaOf[layer][block] == NO_AREA : "block " + block + " sealed twice in layer " + layer + " in a step";
        areaOf[layer][block] = NO_AREA;
        sealedAreaOf[layer][block] = area;
        if (numSealed == sealedAreas.length) {
            sealedAreas = Arrays.copyOf(sealedAreas, Math.max(numLayers, 2 * sealedAreas.length));
        }
        sealedAreas[numSealed++] = area;
    }

    /** Returns the areas of the blocks sealed since the last call to the free stack; returns how many. */
    int releaseSealed() {
        int released = numSealed;
        for (int i = 0; i < numSealed; i++) {
            int area = sealedAreas[i];
            sealedAreaOf[ownerLayer[area]][ownerBlock[area]] = NO_AREA;
            free(area);
        }
        numSealed = 0;
        return released;
    }

    /** The whole area of an open (layer, block), every head's staging in head order. */
    MemorySegment area(int layer, int block) {
        int area = areaOf[layer][block];
        assert area != NO_AREA : "block " + block + " holds no staging in layer " + layer;
        return areas[area];
    }

    /** Gives the (layer, block) an area unless it holds one already (kept, contents and all). */
    void open(int layer, int block) {
        if (areaOf[layer][block] != NO_AREA) {
            return;
        }
        if (numFree == 0) {
            grow();
        }
        int area = freeStack[--numFree];
        areaOf[layer][block] = area;
        ownerLayer[area] = layer;
        ownerBlock[area] = block;
        if (++numInUse > peakInUse) {
            peakInUse = numInUse;
        }
    }

    /** Takes the (layer, block)'s area back, if it holds one. */
    void release(int layer, int block) {
        int area = areaOf[layer][block];
        if (area == NO_AREA) {
            return;
        }
        areaOf[layer][block] = NO_AREA;
        free(area);
    }

    private void free(int area) {
        assert poison(areas[area]);
        ownerLayer[area] = NO_AREA;
        ownerBlock[area] = NO_AREA;
        freeStack[numFree++] = area;
        numInUse--;
    }

    /** Gives {@code dst} the staging state of {@code src} in a layer: a copy of its area, or none. */
    void copy(int layer, int src, int dst) {
        if (areaOf[layer][src] == NO_AREA) {
            release(layer, dst);
            return;
        }
        open(layer, dst);
        MemorySegment.copy(area(layer, src), 0, area(layer, dst), 0, areaBytes);
    }

    /**
     * Fills an area taken back with NaN bits (as floats and as halves), so that a layout given staging the engine no
     * longer holds computes NaN rather than plausible numbers; under assertions only.
     */
    private static boolean poison(MemorySegment area) {
        area.fill((byte) 0xff);
        return true;
    }

    /** Takes back the areas of blocks that {@code isFree} says are free; returns how many. */
    int releaseFree(IntPredicate isFree) {
        int numReleased = 0;
        for (int area = 0; area < numAreas && numInUse > 0; area++) {
            int block = ownerBlock[area];
            // Only open blocks' areas: sealed ones go back with releaseSealed.
            if (block != NO_AREA && areaOf[ownerLayer[area]][block] == area && isFree.test(block)) {
                release(ownerLayer[area], block);
                numReleased++;
            }
        }
        return numReleased;
    }

    /** Areas assigned now. */
    int numInUse() {
        return numInUse;
    }

    /** The most areas assigned at once so far. */
    int peakInUse() {
        return peakInUse;
    }

    /** Bytes allocated for areas, in use or free (the pool never shrinks). */
    long bytesAllocated() {
        return numAreas * areaBytes;
    }

    /** Adds one chunk of areas, all free; allocates, but only when every area is in use. */
    private void grow() {
        int numNew = Math.min(numLayers, maxAreas - numAreas);
        if (numNew <= 0) {
            throw new IllegalStateException("every (layer, block) holds a staging area already: " + numAreas);
        }
        int capacity = numAreas + numNew;
        MemorySegment chunk = arena.allocate(numNew * areaBytes, AREA_ALIGNMENT);
        ownerLayer = Arrays.copyOf(ownerLayer, capacity);
        ownerBlock = Arrays.copyOf(ownerBlock, capacity);
        freeStack = Arrays.copyOf(freeStack, capacity);
        areas = Arrays.copyOf(areas, capacity);
        headSegments = Arrays.copyOf(headSegments, capacity * numKvHeads);
        // Pushed last first, so the lowest new area is handed out first.
        for (int i = numNew - 1; i >= 0; i--) {
            int area = numAreas + i;
            areas[area] = chunk.asSlice(i * areaBytes, areaBytes);
            for (int h = 0; h < numKvHeads; h++) {
                headSegments[area * numKvHeads + h] = areas[area].asSlice(h * headBytes, headBytes);
            }
            ownerLayer[area] = NO_AREA;
            ownerBlock[area] = NO_AREA;
            freeStack[numFree++] = area;
        }
        numAreas = capacity;
    }
}
