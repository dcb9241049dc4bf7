package io.kvasir.plugins.eviction.internal;

import io.kvasir.api.plugin.EvictionPolicy;

/**
 * The frame every budgeted policy shares: check the arguments, keep everything while the cache is within
 * one {@linkplain EvictionBudget#isEvictionDue chunk} of the budget, otherwise let the policy choose exactly
 * {@code budget} slots (fewer only when it holds fewer candidates).
 *
 * <p>Invariants of {@link #select}'s result:
 * <ul>
 *   <li>{@code keep[0, n)} is strictly ascending within {@code [0, numSlots)}</li>
 *   <li>{@code n == numSlots} (and {@code keep} is the identity) unless eviction was due; then {@code n <= budget}</li>
 * </ul>
 */
public abstract class BudgetedPolicy implements EvictionPolicy {

    private final EvictionBudget budget;

    protected BudgetedPolicy(EvictionBudget budget) {
        if (budget == null) {
            throw new IllegalArgumentException("budget must not be null");
        }
        this.budget = budget;
    }

    /** The budget this policy cuts caches back to. */
    public final EvictionBudget budget() {
        return budget;
    }

    @Override
    public final int select(int numSlots, int[] slotPositions, float[] slotScores, boolean endOfPrefill, int[] keep) {
        checkArguments(numSlots, slotPositions, slotScores, keep);
        int budgetSlots = budget.budget(EvictionBudget.sequenceLength(numSlots, slotPositions));
        if (!budget.isEvictionDue(numSlots, budgetSlots)) {
            return SlotRanges.append(keep, 0, 0, numSlots);
        }
        int numKept = evict(numSlots, slotPositions, slotScores, endOfPrefill, budgetSlots, keep);
        assert numKept <= budgetSlots : numKept + " kept over a budget of " + budgetSlots;
        assert SlotRanges.isAscendingWithin(keep, numKept, numSlots) : "kept slots not ascending and unique";
        return numKept;
    }

    /**
     * Chooses the slots to keep from a cache that is over budget by more than a chunk.
     *
     * @param numSlots cached slots, more than {@code budget}
     * @param slotPositions the position of each slot, ascending
     * @param slotScores the statistic the policy asked for, per slot
     * @param endOfPrefill whether this step completed the prompt
     * @param budget slots to keep, at least 1
     * @param keep receives the kept slot indices, ascending
     * @return how many slots to keep, at most {@code budget}
     */
    protected abstract int evict(int numSlots, int[] slotPositions, float[] slotScores, boolean endOfPrefill, int budget,
            int[] keep);

    private void checkArguments(int numSlots, int[] slotPositions, float[] slotScores, int[] keep) {
        if (numSlots < 0) {
            throw new IllegalArgumentException("numSlots must be >= 0, got " + numSlots);
        }
        if (slotPositions.length < numSlots) {
            throw new IllegalArgumentException("slotPositions holds " + slotPositions.length + " of " + numSlots + " slots");
        }
        if (attentionStats() != AttentionStats.NONE && slotScores.length < numSlots) {
            throw new IllegalArgumentException("slotScores holds " + slotScores.length + " of " + numSlots + " slots");
        }
        if (keep.length < numSlots) {
            throw new IllegalArgumentException("keep holds " + keep.length + " of " + numSlots + " slots");
        }
        assert SlotRanges.isAscending(slotPositions, numSlots) : "slotPositions not ascending";
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + budget + "]";
    }
}
