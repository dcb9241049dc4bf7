package io.kvasir.api.plugin;

/**
 * Drops positions from a long sequence's KV cache so it fits a budget (StreamingLLM, H2O, SnapKV). The
 * engine compacts the kept slots into fewer blocks, so eviction really frees memory; kept keys keep the
 * rotary encoding of their original positions, and new tokens continue at the sequence's true position.
 * Called on the engine loop thread only; one instance serves all sequences of an engine.
 */
public interface EvictionPolicy {

    /** What attention statistics the policy needs the engine to collect. */
    enum AttentionStats {
        /** None (StreamingLLM). */
        NONE,
        /** Attention weight each slot received, summed over layers, heads and steps (H2O). */
        ACCUMULATED,
        /**
         * Attention the last {@link #observationWindow()} prompt tokens gave each slot, summed over layers and heads,
         * collected while the prompt is computed and then left as it is: during decode the prompt slots keep it and
         * generated slots score zero (SnapKV's selection at the end of prefill).
         */
        OBSERVATION_WINDOW,
        /**
         * Attention the last {@link #observationWindow()} computed tokens of the sequence (prompt or generated) gave
         * each slot, summed over layers and heads: a window of queries that slides with every step, so that a policy
         * can select again during decode by what the most recent queries attend (SnapKV's observation window,
         * re-applied). A query that has left the window no longer counts, whatever it attended; slots after a
         * query get nothing from it. At the end of prefill this equals {@link #OBSERVATION_WINDOW}.
         */
        RECENT_WINDOW
    }

    AttentionStats attentionStats();

    /**
     * For {@link AttentionStats#ACCUMULATED}: how the accumulated attention forgets, per token. Before a step adds
     * its attention, every slot's accumulated score is multiplied by {@code decay^n}, {@code n} being the tokens
     * the step computed for the sequence (1 while decoding). 1 keeps the plain sum over every query (H2O's
     * statistic); below 1 the sum weighs recent queries more, an exponential moving sum whose weight halves every
     * {@code ln 0.5 / ln decay} tokens, so a slot's score follows what the current tokens attend (TOVA ranks by
     * the current query's attention alone: decay 0). In [0, 1]; ignored for the other statistics.
     */
    default double attentionDecay() {
        return 1.0;
    }

    /**
     * For {@link AttentionStats#OBSERVATION_WINDOW} and {@link AttentionStats#RECENT_WINDOW}: how many of the last
     * queries (prompt tokens, or computed tokens) the statistic sums, at least 1; 0 for other statistics.
     */
    default int observationWindow() {
        return 0;
    }

    /**
     * Whether {@link #select} may also be called after chunked-prefill steps that leave the prompt incomplete.
     * A policy that selects once from the whole prompt (SnapKV) returns false, and the engine calls it only
     * from the step that completes the prompt ({@code endOfPrefill}) on.
     */
    default boolean selectsDuringPrefill() {
        return true;
    }

    /**
     * Chooses the slots to keep after a step.
     *
     * @param numSlots slots the sequence's cache holds (its cached positions)
     * @param slotPositions the position of each slot, ascending
     * @param slotScores the statistic {@link #attentionStats()} asked for, per slot (zeros for NONE)
     * @param endOfPrefill whether this step completed the prompt
     * @param keep receives the indices of the slots to keep, ascending
     * @return how many slots to keep; {@code numSlots} keeps everything
     */
    int select(int numSlots, int[] slotPositions, float[] slotScores, boolean endOfPrefill, int[] keep);
}
