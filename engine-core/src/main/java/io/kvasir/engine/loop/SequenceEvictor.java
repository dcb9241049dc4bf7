package io.kvasir.engine.loop;

import org.jspecify.annotations.Nullable;
import io.kvasir.api.plugin.EvictionPolicy;
import io.kvasir.engine.kv.KvCacheManager;
import io.kvasir.engine.kv.KvSequence;
import io.kvasir.engine.model.PagedKvMemory;
import io.kvasir.engine.plugin.PluginFailureException;
import io.kvasir.engine.sched.Request;

/**
 * Applies an {@link EvictionPolicy} after each step: asks it which slots of a sequence to keep, moves them to
 * the front of the sequence's cache and frees the blocks past them, so eviction really returns memory.
 * Kept keys carry the rotary encoding of their original positions; new tokens continue at the sequence's
 * true position in the next free slot.
 *
 * <p>The policy is a plugin. What statistics it wants is asked once, at construction. Accumulated and prompt-window
 * statistics are summed into the request's slot scores, one statistics row per sequence and step; the recent window
 * keeps each query's row apart, in the request's {@link RecentQueryAttention}, and shows the policy their sum.
 * A {@code select} that throws keeps the sequence's cache as it is for that step; a policy that is disabled (it timed
 * out) is not called again, and the evictor stops evicting and collecting statistics: sequences keep every slot.
 *
 * <p>Owned by the engine loop thread. The compaction scratch holds every kept token's K and V of one layer (all KV
 * heads, see {@link PagedKvMemory#compact}); it grows to the most tokens a compaction kept so far, rather than to the
 * longest context up front, since eviction keeps sequences near their budget.
 */
final class SequenceEvictor {

    private final String name;
    private final EvictionPolicy policy;
    private final EvictionPolicy.AttentionStats attentionStats;
    private final int observationWindow;
    /** Per-token factor on accumulated statistics, in [0, 1]; 1 for statistics that are not accumulated. */
    private final double attentionDecay;
    private final boolean selectsDuringPrefill;
    private boolean disabled;
    private final KvCacheManager kvCache;
    private final PagedKvMemory kvMemory;
    private final int kvDim;
    private final int[] keep;
    private final int[] blockIds;
    private float[] kScratch = new float[0];
    private float[] vScratch = new float[0];
    private long numEvictedTokens;

    /**
     * @param kvDim floats of one token's K (or V) over all KV heads
     * @param maxSlots the most slots a sequence may hold (the context)
     */
    SequenceEvictor(String name, EvictionPolicy policy, KvCacheManager kvCache, PagedKvMemory kvMemory, int kvDim,
            int maxSlots) {
        this.name = name;
        this.policy = policy;
        this.attentionStats = policy.attentionStats();
        this.observationWindow = policy.observationWindow();
        double decay = attentionStats == EvictionPolicy.AttentionStats.ACCUMULATED ? policy.attentionDecay() : 1.0;
        if (!(decay >= 0.0 && decay <= 1.0)) {
            throw new IllegalArgumentException("eviction policy '" + name + "' asked for an attention decay of " + decay
                    + "; it must be in [0, 1]");
        }
        this.attentionDecay = decay;
        if (attentionStats == EvictionPolicy.AttentionStats.RECENT_WINDOW && observationWindow < 1) {
            throw new IllegalArgumentException("eviction policy '" + name + "' asked for the recent window's attention "
                    + "with an observation window of " + observationWindow + "; it must be at least 1 query");
        }
        this.selectsDuringPrefill = policy.selectsDuringPrefill();
        this.kvCache = kvCache;
        this.kvMemory = kvMemory;
        this.kvDim = kvDim;
        this.keep = new int[maxSlots];
        this.blockIds = new int[(maxSlots + kvMemory.blockSize() - 1) / kvMemory.blockSize()];
    }

    /** The policy's plugin name, for failure counts. */
    String name() {
        return name;
    }

    /**
     * Whether a token at {@code position} of a request, in a step that computes its positions up to
     * {@code stepEnd} (exclusive), should contribute attention statistics.
     */
    boolean collectsAttention(Request request, int position, int stepEnd) {
        if (disabled) {
            return false;
        }
        return switch (attentionStats) {
            case NONE -> false;
            case ACCUMULATED -> true;
            case OBSERVATION_WINDOW -> position < request.numPromptTokens()
                    && position >= request.numPromptTokens() - observationWindow;
            case RECENT_WINDOW -> position >= stepEnd - observationWindow;
        };
    }

    /**
     * Whether each collecting token needs a statistics row of its own (the recent window drops queries one by
     * one) rather than one row per sequence and step.
     */
    boolean keepsQueriesApart() {
        return attentionStats == EvictionPolicy.AttentionStats.RECENT_WINDOW;
    }

    /** A new request's recent-window statistic, or null when the policy asks for another one. */
    @Nullable RecentQueryAttention newRecentQueryAttention() {
        return keepsQueriesApart() ? new RecentQueryAttention(observationWindow) : null;
    }

    /**
     * Adds a step's statistics to a request's slot scores: its {@code numRows} statistics rows from
     * {@code firstRow} on, one per collecting query in position order for the recent window (pushed into
     * {@code recent}), else at most one, after aging accumulated scores by the {@code numNewTokens} the step
     * computed.
     *
     * @param numSlots the request's cached slots after the step
     */
    void addStepAttention(Request request, @Nullable RecentQueryAttention recent, AttentionRows stats, int firstRow,
            int numRows, int numSlots, int numNewTokens) {
        float[] scores = request.slotScores();
        if (recent != null) {
            for (int r = 0; r < numRows; r++) {
                recent.push(stats, firstRow + r, numSlots, scores);
            }
            return;
        }
        ageAttention(scores, numSlots, numNewTokens);
        if (numRows > 0) {
            stats.addTo(firstRow, numSlots, scores);
        }
    }

    boolean needsAttentionStats() {
        return !disabled && attentionStats != EvictionPolicy.AttentionStats.NONE;
    }

    /**
     * Ages a sequence's accumulated statistics before a step that computed {@code numNewTokens} of its tokens adds
     * its attention: each slot's score is multiplied by {@code decay^numNewTokens} (nothing to do for a plain sum).
     */
    private void ageAttention(float[] slotScores, int numSlots, int numNewTokens) {
        if (attentionDecay == 1.0 || numSlots == 0) {
            return;
        }
        float factor = (float) Math.pow(attentionDecay, numNewTokens);
        for (int i = 0; i < numSlots; i++) {
            slotScores[i] *= factor;
        }
    }

    /** Whether the policy was disabled (it timed out): nothing is evicted any more. */
    boolean isDisabled() {
        return disabled;
    }

    /**
     * Runs the policy on a request after a step. A policy failure keeps the cache as it is; a failure while
     * compacting (the KV codec's) propagates, and the request's cache is then in doubt.
     *
     * @param recent the request's recent-window statistic, moved with the slots; null for other statistics
     * @param endOfPrefill whether the step completed the request's prompt
     */
    void maybeEvict(Request request, @Nullable RecentQueryAttention recent, boolean endOfPrefill) {
        boolean inPrefill = request.numComputedTokens() < request.numPromptTokens();
        if (disabled || (inPrefill && !selectsDuringPrefill)) {
            return;
        }
        KvSequence sequence = request.kvSequence();
        int numSlots = kvCache.numTokens(sequence);
        int numKept;
        try {
            numKept = policy.select(numSlots, request.slotPositions(), request.slotScores(), endOfPrefill, keep);
        } catch (PluginFailureException e) {
            disabled = e.pluginDisabled();
            return;
        } catch (RuntimeException e) {
            return;
        }
        if (numKept >= numSlots) {
            return;
        }
        assert isAscending(keep, numKept, numSlots) : "eviction policy must keep ascending, distinct slots";
        kvCache.blockTable(sequence).copyBlockIds(blockIds, 0);
        ensureScratch(numKept);
        kvMemory.compact(blockIds, keep, numKept, kScratch, vScratch);
        int[] positions = request.slotPositions();
        float[] scores = request.slotScores();
        for (int i = 0; i < numKept; i++) {
            positions[i] = positions[keep[i]];
            scores[i] = scores[keep[i]];
        }
        if (recent != null) {
            recent.compact(keep, numKept, numSlots, scores);
        }
        java.util.Arrays.fill(scores, numKept, numSlots, 0f);
        kvCache.truncate(sequence, numKept);
        numEvictedTokens += numSlots - numKept;
        request.addEvictedTokens(numSlots - numKept);
    }

    /**
     * Grows the compaction scratch to hold {@code numKept} tokens: allocates only past the most kept so far, and then
     * at least doubles (up to the context), so a slowly rising count does not allocate at every compaction.
     */
    private void ensureScratch(int numKept) {
        int numFloats = Math.multiplyExact(numKept, kvDim);
        if (kScratch.length < numFloats) {
            long doubled = Math.min(Math.min(2L * kScratch.length, (long) keep.length * kvDim), Integer.MAX_VALUE - 8);
            int size = (int) Math.max(numFloats, doubled);
            kScratch = new float[size];
            vScratch = new float[size];
        }
    }

    /** Positions dropped so far over all sequences. */
    long numEvictedTokens() {
        return numEvictedTokens;
    }

    private static boolean isAscending(int[] slots, int n, int numSlots) {
        for (int i = 0; i < n; i++) {
            if (slots[i] < 0 || slots[i] >= numSlots || (i > 0 && slots[i] <= slots[i - 1])) {
                return false;
            }
        }
        return true;
    }
}
