package io.kvasir.api.plugin;

/**
 * Finds the KV blocks of prompt prefixes computed before, so a new request reuses them instead of
 * recomputing. Only full blocks are cached. Entries are keyed by a per-tenant salt (tenants share
 * entries only when they share a prefix-sharing group), so one tenant cannot probe another's prompts.
 *
 * <p>The index owns the order in which unreferenced cached blocks are given up: when the pool runs out of
 * free blocks it asks the index to {@link #evict} some. Called on the engine loop thread only.
 */
public interface PrefixIndex {

    /** Where cached blocks come from and go back to. */
    interface BlockSource {
        /** Takes a reference on a cached block (it stops being evictable). */
        void acquire(int blockId);

        /** Whether nobody but the index holds the block (so it may be evicted). */
        boolean isUnreferenced(int blockId);
    }

    /**
     * The longest cached prefix of {@code tokens[0..numTokens)} in whole blocks: writes its block ids to
     * {@code blockIds} and returns how many blocks matched. Does not acquire them.
     */
    int match(int[] tokens, int numTokens, int blockSize, long salt, int[] blockIds);

    /**
     * Records that {@code blockIds[0..numBlocks)} hold the KV of {@code tokens[0..numBlocks × blockSize)}.
     * Blocks already indexed for the same prefix are left as they are.
     */
    void insert(int[] tokens, int numBlocks, int blockSize, long salt, int[] blockIds);

    /** A cached block lost its last reference: it is now evictable. */
    void onUnreferenced(int blockId);

    /**
     * Gives up to {@code numBlocks} unreferenced cached blocks back: writes their ids to {@code evicted} and
     * returns how many. The index forgets them (and anything cached below them).
     */
    int evict(int numBlocks, int[] evicted);

    /** Blocks the index holds that nobody references. */
    int numEvictableBlocks();

    /** Lookups so far, lookups that found at least one block, and tokens found. */
    PrefixCacheStats stats();
}
