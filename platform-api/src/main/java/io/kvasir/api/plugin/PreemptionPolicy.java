package io.kvasir.api.plugin;

/**
 * What happens to a request the scheduler must take blocks from: drop its KV and recompute it later, or
 * swap its blocks out to an {@link OffloadTier} and back in.
 */
public interface PreemptionPolicy {

    /** The two mechanisms the engine implements. */
    enum Mode { RECOMPUTE, SWAP }

    /**
     * How to preempt a request holding {@code numBlocks} blocks of {@code bytesPerBlock} bytes with
     * {@code numComputedTokens} computed; SWAP falls back to RECOMPUTE when the tier refuses the blocks.
     */
    Mode choose(int numBlocks, long bytesPerBlock, int numComputedTokens);
}
