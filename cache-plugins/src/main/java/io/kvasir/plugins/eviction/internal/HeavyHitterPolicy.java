package io.kvasir.plugins.eviction.internal;

/**
 * H2O, the Heavy-Hitter Oracle (Zhang et al., 2023): keeps the most recent {@code round(recentFraction ×
 * budget)} slots and fills the rest of the budget with the older slots that received the most accumulated
 * attention; equal scores keep the more recent slot. Recent slots are protected because their accumulated
 * score has had few steps to grow.
 */
public final class HeavyHitterPolicy extends BudgetedPolicy {

    private final double recentFraction;
    private final TopSlots topSlots = new TopSlots();

    /**
     * @param budget the slot budget
     * @param recentFraction share of the budget given to the most recent slots, in [0, 1]
     */
    public HeavyHitterPolicy(EvictionBudget budget, double recentFraction) {
        super(budget);
        if (!(recentFraction >= 0.0 && recentFraction <= 1.0)) {
            throw new IllegalArgumentException("recentFraction must be in [0, 1], got " + recentFraction);
        }
        this.recentFraction = recentFraction;
    }

    @Override
    public AttentionStats attentionStats() {
        return AttentionStats.ACCUMULATED;
    }

    @Override
    protected int evict(int numSlots, float[] slotScores, boolean endOfPrefill, int budget, int[] keep) {
        int numRecent = (int) Math.min(budget, Math.round(recentFraction * budget));
        int firstRecent = numSlots - numRecent;
        int n = topSlots.appendTop(slotScores, firstRecent, budget - numRecent, keep, 0);
        return SlotRanges.append(keep, n, firstRecent, numSlots);
    }

    public double recentFraction() {
        return recentFraction;
    }
}
