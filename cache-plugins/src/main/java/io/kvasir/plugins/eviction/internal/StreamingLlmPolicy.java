package io.kvasir.plugins.eviction.internal;

/**
 * StreamingLLM (Xiao et al., 2023, "Efficient Streaming Language Models with Attention Sinks"): keeps the
 * first {@code sinkTokens} slots, which soak up attention no matter what they hold, and the most recent
 * {@code budget - sinkTokens} slots. With no sinks it is the plain sliding window the paper shows failing.
 * A budget below {@code sinkTokens} keeps only the first {@code budget} slots.
 */
public final class StreamingLlmPolicy extends BudgetedPolicy {

    private final int sinkTokens;

    /**
     * @param budget the slot budget
     * @param sinkTokens leading slots always kept, at least 0
     */
    public StreamingLlmPolicy(EvictionBudget budget, int sinkTokens) {
        super(budget);
        if (sinkTokens < 0) {
            throw new IllegalArgumentException("sinkTokens must be >= 0, got " + sinkTokens);
        }
        this.sinkTokens = sinkTokens;
    }

    @Override
    public AttentionStats attentionStats() {
        return AttentionStats.NONE;
    }

    @Override
    protected int evict(int numSlots, int[] slotPositions, float[] slotScores, boolean endOfPrefill, int budget, int[] keep) {
        int numSinks = Math.min(sinkTokens, budget);
        int n = SlotRanges.append(keep, 0, 0, numSinks);
        return SlotRanges.append(keep, n, numSlots - (budget - numSinks), numSlots);
    }

    public int sinkTokens() {
        return sinkTokens;
    }
}
