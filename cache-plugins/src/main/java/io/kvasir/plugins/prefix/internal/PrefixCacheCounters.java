package io.kvasir.plugins.prefix.internal;

import io.kvasir.api.plugin.PrefixCacheStats;

/** The lookup counters behind {@link PrefixCacheStats}, updated once per {@code match}. */
public final class PrefixCacheCounters {

    private long numQueries;
    private long numHits;
    private long numQueriedTokens;
    private long numHitTokens;

    /** Counts one lookup of {@code numTokens} tokens that found {@code numHitTokens} of them. */
    public void recordQuery(int numTokens, int numHitTokens) {
        assert numHitTokens >= 0 && numHitTokens <= numTokens : numHitTokens + " hits of " + numTokens;
        numQueries++;
        numQueriedTokens += numTokens;
        if (numHitTokens > 0) {
            numHits++;
            this.numHitTokens += numHitTokens;
        }
    }

    /** The counters now, with the index's current number of cached blocks. */
    public PrefixCacheStats snapshot(int numCachedBlocks) {
        return new PrefixCacheStats(numQueries, numHits, numQueriedTokens, numHitTokens, numCachedBlocks);
    }
}
