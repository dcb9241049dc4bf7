package io.kvasir.engine.kv.internal;

/**
 * The free blocks of a pool as a doubly linked list over block ids, held in two int arrays.
 *
 * <p>Blocks are taken from the front and returned at the back, so the front holds the least recently
 * freed block: the first to be reused when allocation must evict a cached block. A block taken back out
 * of the middle (a prefix-cache hit on a free block) leaves in O(1) without disturbing the others.
 * Nothing is allocated after construction.
 *
 * <p>Invariants:
 * <ul>
 *   <li>a block id is queued iff its {@code prev} entry is not {@link #NONE};</li>
 *   <li>{@code size()} equals the number of queued ids;</li>
 *   <li>the list is circular through a sentinel at index {@code numBlocks}, so no operation special-cases
 *       an empty list or its ends.</li>
 * </ul>
 * Not thread-safe.
 */
public final class FreeBlockQueue {

    /** Returned by {@link #first()} and {@link #next(int)} past the end, and by {@link #pollFirst()} when empty. */
    public static final int NONE = -1;

    private final int sentinel;
    private final int[] prev;
    private final int[] next;
    private int size;

    /**
     * Creates a queue holding every id in {@code [0, numBlocks)}, in ascending order.
     *
     * @param numBlocks the number of block ids, at least 1
     */
    public FreeBlockQueue(int numBlocks) {
        if (numBlocks < 1 || numBlocks == Integer.MAX_VALUE) {
            throw new IllegalArgumentException("numBlocks must be in [1, " + (Integer.MAX_VALUE - 1) + "]: " + numBlocks);
        }
        sentinel = numBlocks;
        prev = new int[numBlocks + 1];
        next = new int[numBlocks + 1];
        for (int id = 0; id < numBlocks; id++) {
            prev[id] = id == 0 ? sentinel : id - 1;
            next[id] = id + 1;
        }
        prev[sentinel] = numBlocks - 1;
        next[sentinel] = 0;
        size = numBlocks;
    }

    /** The number of queued blocks. */
    public int size() {
        return size;
    }

    /** Whether the block is queued. */
    public boolean contains(int blockId) {
        return prev[blockId] != NONE;
    }

    /** Removes and returns the block at the front, or {@link #NONE} when the queue is empty. */
    public int pollFirst() {
        int first = next[sentinel];
        if (first == sentinel) {
            return NONE;
        }
        unlink(first);
        return first;
    }

    /** Appends a block that is not queued at the back. */
    public void addLast(int blockId) {
        if (prev[blockId] != NONE) {
            throw new IllegalStateException("block " + blockId + " is already in the free queue");
        }
        int last = prev[sentinel];
        prev[blockId] = last;
        next[blockId] = sentinel;
        next[last] = blockId;
        prev[sentinel] = blockId;
        size++;
    }

    /** Removes a queued block from wherever it is. */
    public void remove(int blockId) {
        if (prev[blockId] == NONE) {
            throw new IllegalStateException("block " + blockId + " is not in the free queue");
        }
        unlink(blockId);
    }

    /** The block at the front, or {@link #NONE}; with {@link #next(int)}, walks the queue without allocating. */
    public int first() {
        int first = next[sentinel];
        return first == sentinel ? NONE : first;
    }

    /** The block after a queued block, or {@link #NONE} at the back. */
    public int next(int blockId) {
        assert prev[blockId] != NONE : "block " + blockId + " is not queued";
        int after = next[blockId];
        return after == sentinel ? NONE : after;
    }

    private void unlink(int blockId) {
        int before = prev[blockId];
        int after = next[blockId];
        next[before] = after;
        prev[after] = before;
        prev[blockId] = NONE;
        next[blockId] = NONE;
        size--;
        assert size >= 0;
    }
}
