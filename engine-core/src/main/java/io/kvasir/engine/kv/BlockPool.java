package io.kvasir.engine.kv;

import java.util.Objects;

import io.kvasir.engine.kv.internal.FreeBlockQueue;
import io.kvasir.engine.kv.internal.LongIntMap;

/**
 * The host-side ledger of a paged KV cache: block ids, reference counts, the free queue and the
 * hash → block map of cached full blocks. The K/V bytes live in the backend, indexed by block id.
 *
 * <p>Free blocks wait in a queue ordered for LRU reuse: allocation takes from the front, a block whose
 * last reference goes returns at the back. A freed block that carries a hash keeps its contents and its
 * map entry, so a later sequence with the same prefix can {@link #touch take it back}; its entry is
 * evicted only when allocation pops it for reuse. Blocks start free, in id order.
 *
 * <p>Invariants (asserted in hot paths, all checked by {@link #checkInvariants()}):
 * <ul>
 *   <li>{@code refCount(b) == 0} iff {@code b} is in the free queue;</li>
 *   <li>{@code numFreeBlocks() + numUsedBlocks() == numBlocks()};</li>
 *   <li>reference counts are never negative: freeing a block with no reference is a double free and
 *       throws {@link IllegalStateException};</li>
 *   <li>a block is cached iff the map holds its hash, and the map sends that hash to that block
 *       (one block per hash);</li>
 *   <li>a block becomes cached only while referenced; callers cache only full blocks, whose contents no
 *       longer change ({@link KvCacheManager#cacheFullBlock} checks it).</li>
 * </ul>
 *
 * <p>Not thread-safe: owned by the engine loop. Nothing is allocated after construction.
 */
public final class BlockPool {

    /** Tokens per block unless configured otherwise. */
    public static final int DEFAULT_BLOCK_SIZE = 16;

    /** The largest pool accepted. */
    public static final int MAX_NUM_BLOCKS = LongIntMap.MAX_SIZE;

    /** The block id meaning "none", returned by {@link #lookup(long)} on a miss. */
    public static final int NO_BLOCK = -1;

    private final int numBlocks;
    private final int blockSize;
    private final int[] refCounts;
    private final long[] blockHashes;
    private final boolean[] cached;
    private final FreeBlockQueue freeQueue;
    private final LongIntMap cachedBlocks;

    /** A pool of {@code numBlocks} blocks of {@link #DEFAULT_BLOCK_SIZE} tokens. */
    public BlockPool(int numBlocks) {
        this(numBlocks, DEFAULT_BLOCK_SIZE);
    }

    /**
     * @param numBlocks the number of blocks, in [1, {@link #MAX_NUM_BLOCKS}]
     * @param blockSize tokens per block, at least 1; {@code numBlocks × blockSize} must fit an int so that
     *                  every slot index does
     */
    public BlockPool(int numBlocks, int blockSize) {
        if (numBlocks < 1 || numBlocks > MAX_NUM_BLOCKS) {
            throw new IllegalArgumentException("numBlocks must be in [1, " + MAX_NUM_BLOCKS + "]: " + numBlocks);
        }
        if (blockSize < 1) {
            throw new IllegalArgumentException("blockSize must be at least 1: " + blockSize);
        }
        if ((long) numBlocks * blockSize > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(
                    "numBlocks × blockSize must fit an int: " + numBlocks + " × " + blockSize);
        }
        this.numBlocks = numBlocks;
        this.blockSize = blockSize;
        refCounts = new int[numBlocks];
        blockHashes = new long[numBlocks];
        cached = new boolean[numBlocks];
        freeQueue = new FreeBlockQueue(numBlocks);
        cachedBlocks = new LongIntMap(numBlocks);
    }

    /** The number of blocks in the pool. */
    public int numBlocks() {
        return numBlocks;
    }

    /** Tokens per block. */
    public int blockSize() {
        return blockSize;
    }

    /** Blocks with no reference, cached or not: all of them can be allocated. */
    public int numFreeBlocks() {
        return freeQueue.size();
    }

    /** Blocks with at least one reference. */
    public int numUsedBlocks() {
        return numBlocks - freeQueue.size();
    }

    /** Blocks whose hash is in the map (in use or free). */
    public int numCachedBlocks() {
        return cachedBlocks.size();
    }

    /** The fraction of blocks in use, in [0, 1]. */
    public double usage() {
        return (double) numUsedBlocks() / numBlocks;
    }

    /**
     * Takes {@code count} blocks from the front of the free queue, all or none, each with one reference.
     * A cached block taken this way loses its hash: its contents are about to be overwritten.
     *
     * @param count the number of blocks, at least 0
     * @param dst receives the block ids at {@code dst[dstOffset .. dstOffset + count)}
     * @return false, with nothing changed, when fewer than {@code count} blocks are free
     */
    public boolean allocate(int count, int[] dst, int dstOffset) {
        if (count < 0) {
            throw new IllegalArgumentException("count must be non-negative: " + count);
        }
        Objects.checkFromIndexSize(dstOffset, count, dst.length);
        if (count > freeQueue.size()) {
            return false;
        }
        for (int i = 0; i < count; i++) {
            int blockId = freeQueue.pollFirst();
            assert blockId != FreeBlockQueue.NONE && refCounts[blockId] == 0;
            if (cached[blockId]) {
                evictHash(blockId);
            }
            refCounts[blockId] = 1;
            dst[dstOffset + i] = blockId;
        }
        return true;
    }

    /** Adds a reference to a block that is in use (a fork sharing it). */
    public void incRef(int blockId) {
        Objects.checkIndex(blockId, numBlocks);
        if (refCounts[blockId] == 0) {
            throw new IllegalStateException("incRef on free block " + blockId + " (take a cached free block back with touch)");
        }
        refCounts[blockId]++;
        assert refCounts[blockId] > 0 : "refCount overflow on block " + blockId;
    }

    /**
     * Drops a reference. At zero the block goes to the back of the free queue; a cached block keeps its
     * hash there until it is reused.
     *
     * @throws IllegalStateException when the block has no reference (a double free)
     */
    public void free(int blockId) {
        Objects.checkIndex(blockId, numBlocks);
        int refCount = refCounts[blockId];
        if (refCount == 0) {
            throw new IllegalStateException("double free of block " + blockId + " (refCount is already 0)");
        }
        refCounts[blockId] = refCount - 1;
        if (refCount == 1) {
            freeQueue.addLast(blockId);
        }
        assert (refCounts[blockId] == 0) == freeQueue.contains(blockId);
    }

    /**
     * Records that a full, referenced block holds the tokens whose chained hash is {@code hash}, so later
     * sequences can find it with {@link #lookup(long)}.
     *
     * @return true when the map now sends {@code hash} to this block (also when it already did); false
     *         when another block already holds this hash, in which case this block stays uncached and
     *         will simply be reused once freed
     * @throws IllegalStateException when the block is free, or is already cached under another hash
     */
    public boolean cacheFullBlock(int blockId, long hash) {
        Objects.checkIndex(blockId, numBlocks);
        if (refCounts[blockId] == 0) {
            throw new IllegalStateException("cannot cache free block " + blockId);
        }
        if (cached[blockId]) {
            if (blockHashes[blockId] != hash) {
                throw new IllegalStateException("block " + blockId + " is already cached under another hash");
            }
            return true;
        }
        int holder = cachedBlocks.putIfAbsent(hash, blockId);
        if (holder != LongIntMap.ABSENT) {
            return false;
        }
        cached[blockId] = true;
        blockHashes[blockId] = hash;
        return true;
    }

    /** The cached block holding {@code hash}, in use or free, or {@link #NO_BLOCK}. Changes nothing. */
    public int lookup(long hash) {
        return cachedBlocks.get(hash);
    }

    /**
     * Adds a reference to a cached block found by {@link #lookup(long)}: a free one leaves the free queue
     * (a prefix-cache hit saves it from reuse), one in use is shared.
     *
     * @throws IllegalStateException when the block is not cached: a free uncached block's contents are
     *         stale and must not be taken back
     */
    public void touch(int blockId) {
        Objects.checkIndex(blockId, numBlocks);
        if (!cached[blockId]) {
            throw new IllegalStateException("touch on uncached block " + blockId);
        }
        if (refCounts[blockId] == 0) {
            freeQueue.remove(blockId);
        }
        refCounts[blockId]++;
        assert refCounts[blockId] > 0 && !freeQueue.contains(blockId);
    }

    /** The block's reference count. */
    public int refCount(int blockId) {
        return refCounts[Objects.checkIndex(blockId, numBlocks)];
    }

    /** Whether the block's hash is in the map. */
    public boolean isCached(int blockId) {
        return cached[Objects.checkIndex(blockId, numBlocks)];
    }

    /** The hash a cached block holds. */
    public long blockHash(int blockId) {
        if (!isCached(blockId)) {
            throw new IllegalStateException("block " + blockId + " is not cached");
        }
        return blockHashes[blockId];
    }

    /** Whether the block is in the free queue. */
    public boolean isFree(int blockId) {
        return freeQueue.contains(Objects.checkIndex(blockId, numBlocks));
    }

    /**
     * Copies the free queue, front (next to be reused) first. Allocates; for tests and diagnostics.
     */
    public int[] freeQueueOrder() {
        int[] order = new int[freeQueue.size()];
        int i = 0;
        for (int b = freeQueue.first(); b != FreeBlockQueue.NONE; b = freeQueue.next(b)) {
            order[i++] = b;
        }
        return order;
    }

    /**
     * Checks every invariant in the class comment over the whole pool, in O(numBlocks).
     *
     * @throws IllegalStateException naming the first violation
     */
    public void checkInvariants() {
        int numQueued = 0;
        for (int b = freeQueue.first(); b != FreeBlockQueue.NONE; b = freeQueue.next(b)) {
            if (++numQueued > numBlocks) {
                throw new IllegalStateException("free queue has a cycle");
            }
        }
        if (numQueued != freeQueue.size()) {
            throw new IllegalStateException("free queue holds " + numQueued + " blocks but counts " + freeQueue.size());
        }
        int numZero = 0;
        int numCached = 0;
        for (int b = 0; b < numBlocks; b++) {
            if (refCounts[b] < 0) {
                throw new IllegalStateException("block " + b + " has negative refCount " + refCounts[b]);
            }
            if ((refCounts[b] == 0) != freeQueue.contains(b)) {
                throw new IllegalStateException("block " + b + " has refCount " + refCounts[b]
                        + (freeQueue.contains(b) ? " but is" : " but is not") + " in the free queue");
            }
            if (refCounts[b] == 0) {
                numZero++;
            }
            if (cached[b]) {
                numCached++;
                if (cachedBlocks.get(blockHashes[b]) != b) {
                    throw new IllegalStateException("cached block " + b + " is not what the map holds for its hash");
                }
            }
        }
        if (numZero != freeQueue.size()) {
            throw new IllegalStateException(numZero + " blocks have refCount 0 but " + freeQueue.size() + " are free");
        }
        if (numCached != cachedBlocks.size()) {
            throw new IllegalStateException(numCached + " blocks are cached but the map holds " + cachedBlocks.size());
        }
    }

    private void evictHash(int blockId) {
        int removed = cachedBlocks.remove(blockHashes[blockId]);
        assert removed == blockId : "hash map sent block " + blockId + "'s hash to " + removed;
        cached[blockId] = false;
        blockHashes[blockId] = 0L;
    }
}
