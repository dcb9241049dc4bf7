package io.kvasir.api.plugin;

/**
 * Prefix-cache counters.
 *
 * @param numQueries lookups
 * @param numHits lookups that found at least one cached block
 * @param numQueriedTokens tokens looked up
 * @param numHitTokens tokens found in the cache
 * @param numCachedBlocks blocks the index holds
 */
public record PrefixCacheStats(long numQueries, long numHits, long numQueriedTokens, long numHitTokens, int numCachedBlocks) {

    /** Fraction of looked-up tokens found. */
    public double tokenHitRate() {
        return numQueriedTokens == 0 ? 0 : (double) numHitTokens / numQueriedTokens;
    }
}
