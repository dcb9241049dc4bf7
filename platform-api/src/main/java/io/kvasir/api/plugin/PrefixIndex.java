package io.kvasir.api.plugin;

/**
 * Finds the KV blocks of prompt prefixes computed before, so a new request reuses them instead of
 * recomputing. Only full blocks are cached. Entries are keyed by a per-tenant salt (tenants share
 * entries only when they share a prefix-sharing group), so one tenant cannot probe another's prompts.
 *
 * <p>The index owns the order in which unreferenced cached blocks are given up: when the pool runs out of
 * free blocks it asks the index to {@link #evict} some. Called on the engine loop thread only.
 *
 * <p>The engine's block pool keeps the reference counts; the index only learns when a block it holds
 * changes between referenced and unreferenced. The protocol, per request:
 * <ol>
 *   <li>{@link #match} finds the cached prefix; it takes no reference;</li>
 *   <li>the engine acquires the returned blocks through its pool and calls {@link #onReferenced} for each
 *       (at least when its count goes from 0 to 1; extra calls are harmless);</li>
 *   <li>{@link #insert} records the request's full blocks once computed; the blocks it keeps count as
 *       referenced, since the caller holds them; a prefix already cached under other block ids keeps
 *       those, and the caller's duplicates stay the caller's;</li>
 *   <li>when a block's count drops to 0 the engine calls {@link #onUnreferenced}: if the index holds the
 *       block it keeps it (evictable) and returns true, otherwise the engine frees it;</li>
 *   <li>{@link #evict} hands unreferenced blocks back to the pool's free list, and the index forgets them.</li>
 * </ol>
 * One block size per index: the first call fixes it.
 */
public interface PrefixIndex {

    /**
     * The longest cached prefix of {@code tokens[0..numTokens)} in whole blocks: writes its block ids to
     * {@code blockIds} (room for {@code numTokens / blockSize} ids) and returns how many blocks matched.
     * Does not acquire them.
     */
    int match(int[] tokens, int numTokens, int blockSize, long salt, int[] blockIds);

    /**
     * Records that {@code blockIds[0..numBlocks)} hold the KV of {@code tokens[0..numBlocks × blockSize)}.
     * Blocks already indexed for the same prefix are left as they are; where the prefix is cached under
     * other block ids, those stay and the given ones are not indexed. The blocks the index holds afterwards
     * count as referenced (the caller holds them).
     *
     * @throws IllegalArgumentException if a block id is negative, repeated, or indexed for another prefix
     */
    void insert(int[] tokens, int numBlocks, int blockSize, long salt, int[] blockIds);

    /**
     * A block was acquired: if the index holds it, it stops being evictable. Ignored for blocks the index
     * does not hold.
     */
    void onReferenced(int blockId);

    /**
     * A block lost its last reference.
     *
     * @return true if the index holds the block: it is now evictable and stays allocated until
     *     {@link #evict} returns it; false if the index does not hold it, so the caller frees it
     */
    boolean onUnreferenced(int blockId);

    /**
     * Gives up to {@code numBlocks} unreferenced cached blocks back: writes their ids to {@code evicted} and
     * returns how many; fewer only when {@link #numEvictableBlocks()} is smaller. The index forgets them.
     * A tree index gives up a block only after every block cached below it; a hash index may give up a
     * block whose continuations stay cached (they are found again once the prefix is inserted again).
     */
    int evict(int numBlocks, int[] evicted);

    /**
     * Blocks that {@link #evict} would give back if asked for all: blocks the index holds that nobody
     * references (and, in a tree index, with no referenced block cached below them).
     */
    int numEvictableBlocks();

    /** Lookups so far, lookups that found at least one block, and tokens found. */
    PrefixCacheStats stats();
}
