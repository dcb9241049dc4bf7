package io.kvasir.plugins.eviction.internal;

/**
 * H2O, the Heavy-Hitter Oracle (Zhang et al., 2023): keeps the most recent {@code round(recentFraction ×
 * budget)} slots and fills the rest of the budget with the older slots that received the most attention;
 * equal scores keep the more recent slot. Recent slots are protected because their score has had few steps
 * to grow.
 *
 * <p>Two ways to rank the older slots ({@link Scoring}): by the attention accumulated over every query so
 * far ({@code SUM}, the paper's statistic), or by that sum divided by the number of queries that attended the
 * slot ({@code MEAN}). A slot at position {@code p} in a sequence whose newest slot is at position
 * {@code last} was attended by the {@code last - p + 1} queries at positions {@code p..last} (every computed
 * token collects the statistic), so a sum favours old slots by that factor whatever they hold; the mean
 * compares slots by how much each query gave them.
 *
 * <p>The accumulation may forget ({@code decay} below 1, {@link #attentionDecay()}): the engine multiplies every
 * score by {@code decay} per token before adding the new token's attention, so the scores follow what the recent
 * queries attend rather than what the first ones did. The mean then divides by the decayed number of queries,
 * {@code (1 - decay^n) / (1 - decay)} for a slot seen by {@code n} queries.
 */
public final class HeavyHitterPolicy extends BudgetedPolicy {

    /** How older slots are ranked. */
    public enum Scoring {
        /** Attention accumulated over all queries. */
        SUM,
        /** Accumulated attention divided by the number of queries that attended the slot. */
        MEAN
    }

    private final double recentFraction;
    private final Scoring scoring;
    private final double decay;
    private final TopSlots topSlots = new TopSlots();
    private float[] meanScores = new float[256];

    /**
     * @param budget the slot budget
     * @param recentFraction share of the budget given to the most recent slots, in [0, 1]
     * @param scoring how the older slots are ranked
     * @param decay per-token factor on the accumulated attention, in [0, 1] (1: the plain sum)
     */
    public HeavyHitterPolicy(EvictionBudget budget, double recentFraction, Scoring scoring, double decay) {
        super(budget);
        if (!(recentFraction >= 0.0 && recentFraction <= 1.0)) {
            throw new IllegalArgumentException("recentFraction must be in [0, 1], got " + recentFraction);
        }
        if (scoring == null) {
            throw new IllegalArgumentException("scoring must not be null");
        }
        if (!(decay >= 0.0 && decay <= 1.0)) {
            throw new IllegalArgumentException("decay must be in [0, 1], got " + decay);
        }
        this.decay = decay;
        this.recentFraction = recentFraction;
        this.scoring = scoring;
    }

    @Override
    public AttentionStats attentionStats() {
        return AttentionStats.ACCUMULATED;
    }

    @Override
    public double attentionDecay() {
        return decay;
    }

    @Override
    protected int evict(int numSlots, int[] slotPositions, float[] slotScores, boolean endOfPrefill, int budget, int[] keep) {
        int numRecent = (int) Math.min(budget, Math.round(recentFraction * budget));
        int firstRecent = numSlots - numRecent;
        float[] scores = scoring == Scoring.SUM ? slotScores : meanScores(slotPositions, slotScores, numSlots, firstRecent);
        int n = topSlots.appendTop(scores, firstRecent, budget - numRecent, keep, 0);
        return SlotRanges.append(keep, n, firstRecent, numSlots);
    }

    /** Each candidate slot's score divided by the queries that attended it, in the scratch array it returns. */
    private float[] meanScores(int[] slotPositions, float[] slotScores, int numSlots, int numCandidates) {
        if (meanScores.length < numCandidates) {
            meanScores = new float[(int) Math.min(Integer.MAX_VALUE - 8, Math.max(numCandidates, 2L * meanScores.length))];
        }
        int last = slotPositions[numSlots - 1];
        for (int slot = 0; slot < numCandidates; slot++) {
            meanScores[slot] = (float) (slotScores[slot] / queryWeight(last - slotPositions[slot] + 1));
        }
        return meanScores;
    }

    /** The weight of {@code n} queries in the accumulated sum: n, or their decayed weights summed. */
    private double queryWeight(int n) {
        return decay == 1.0 ? n : decay == 0.0 ? 1.0 : (1.0 - Math.pow(decay, n)) / (1.0 - decay);
    }

    public double decay() {
        return decay;
    }

    public double recentFraction() {
        return recentFraction;
    }

    public Scoring scoring() {
        return scoring;
    }
}
