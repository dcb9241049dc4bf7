package io.kvasir.plugins.preemption.swap;

import io.kvasir.api.plugin.PreemptionPolicy;

/**
 * Swaps a preempted request's blocks out to the offload tier unless recomputing it is the cheaper way back:
 * <ul>
 *   <li>fewer than {@code minComputedTokens} computed tokens → RECOMPUTE: a short prompt is recomputed in
 *       about one prefill chunk, cheaper than copying its blocks out and back and holding tier space;</li>
 *   <li>more than {@code maxSwapBytes} bytes held ({@code numBlocks × bytesPerBlock}, when the limit is not
 *       0) → RECOMPUTE: the copy would stall the step for too long;</li>
 *   <li>otherwise SWAP (the engine still recomputes when the tier refuses the blocks).</li>
 * </ul>
 * Stateless and thread-safe.
 */
public final class SwapPreemptionPolicy implements PreemptionPolicy {

    private final int minComputedTokens;
    private final long maxSwapBytes;

    /**
     * @param minComputedTokens requests with fewer computed tokens recompute; at least 0
     * @param maxSwapBytes requests holding more bytes recompute; 0 means no limit
     */
    public SwapPreemptionPolicy(int minComputedTokens, long maxSwapBytes) {
        if (minComputedTokens < 0) {
            throw new IllegalArgumentException("minComputedTokens must be at least 0, got " + minComputedTokens);
        }
        if (maxSwapBytes < 0) {
            throw new IllegalArgumentException("maxSwapBytes must be at least 0, got " + maxSwapBytes);
        }
        this.minComputedTokens = minComputedTokens;
        this.maxSwapBytes = maxSwapBytes;
    }

    @Override
    public Mode choose(int numBlocks, long bytesPerBlock, int numComputedTokens) {
        if (numBlocks < 0 || bytesPerBlock < 0 || numComputedTokens < 0) {
            throw new IllegalArgumentException("negative argument: numBlocks " + numBlocks + ", bytesPerBlock "
                    + bytesPerBlock + ", numComputedTokens " + numComputedTokens);
        }
        if (numBlocks == 0 || numComputedTokens < minComputedTokens) {
            return Mode.RECOMPUTE;
        }
        if (maxSwapBytes > 0 && bytesPerBlock > maxSwapBytes / numBlocks) {
            return Mode.RECOMPUTE;
        }
        return Mode.SWAP;
    }

    public int minComputedTokens() {
        return minComputedTokens;
    }

    public long maxSwapBytes() {
        return maxSwapBytes;
    }
}
