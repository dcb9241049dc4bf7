package io.kvasir.engine.loop;

import io.kvasir.api.plugin.EvictionPolicy;
import io.kvasir.engine.kv.KvCacheManager;
import io.kvasir.engine.kv.KvSequence;
import io.kvasir.engine.model.PagedKvMemory;
import io.kvasir.engine.sched.Request;

/**
 * Applies an {@link EvictionPolicy} after each step: asks it which slots of a sequence to keep, moves them to
 * the front of the sequence's cache and frees the blocks past them, so eviction really returns memory.
 * Kept keys carry the rotary encoding of their original positions; new tokens continue at the sequence's
 * true position in the next free slot.
 *
 * <p>Owned by the engine loop thread; scratch buffers are sized once for the longest context.
 */
final class SequenceEvictor {

    private final String name;
    private final EvictionPolicy policy;
    private final KvCacheManager kvCache;
    private final PagedKvMemory kvMemory;
    private final int headDim;
    private final int[] keep;
    private final int[] blockIds;
    private final float[] kScratch;
    private final float[] vScratch;
    private long numEvictedTokens;

    SequenceEvictor(String name, EvictionPolicy policy, KvCacheManager kvCache, PagedKvMemory kvMemory, int headDim,
            int maxSlots) {
        this.name = name;
        this.policy = policy;
        this.kvCache = kvCache;
        this.kvMemory = kvMemory;
        this.headDim = headDim;
        this.keep = new int[maxSlots];
        this.blockIds = new int[(maxSlots + kvMemory.blockSize() - 1) / kvMemory.blockSize()];
        this.kScratch = new float[maxSlots * headDim];
        this.vScratch = new float[maxSlots * headDim];
    }

    /** The policy's plugin name, for failure counts. */
    String name() {
        return name;
    }

    /** Whether a token at {@code position} of a request should contribute attention statistics this step. */
    boolean collectsAttention(Request request, int position) {
        return switch (policy.attentionStats()) {
            case NONE -> false;
            case ACCUMULATED -> true;
            case OBSERVATION_WINDOW -> position < request.numPromptTokens()
                    && position >= request.numPromptTokens() - policy.observationWindow();
        };
    }

    boolean needsAttentionStats() {
        return policy.attentionStats() != EvictionPolicy.AttentionStats.NONE;
    }

    /**
     * Runs the policy on a request after a step.
     *
     * @param endOfPrefill whether the step completed the request's prompt
     */
    void maybeEvict(Request request, boolean endOfPrefill) {
        boolean inPrefill = request.numComputedTokens() < request.numPromptTokens();
        if (inPrefill && !policy.selectsDuringPrefill()) {
            return;
        }
        KvSequence sequence = request.kvSequence();
        int numSlots = kvCache.numTokens(sequence);
        int numKept = policy.select(numSlots, request.slotPositions(), request.slotScores(), endOfPrefill, keep);
        if (numKept >= numSlots) {
            return;
        }
        assert isAscending(keep, numKept, numSlots) : "eviction policy must keep ascending, distinct slots";
        kvCache.blockTable(sequence).copyBlockIds(blockIds, 0);
        kvMemory.compact(blockIds, keep, numKept, kScratch, vScratch, headDim);
        int[] positions = request.slotPositions();
        float[] scores = request.slotScores();
        for (int i = 0; i < numKept; i++) {
            positions[i] = positions[keep[i]];
            scores[i] = scores[keep[i]];
        }
        java.util.Arrays.fill(scores, numKept, numSlots, 0f);
        kvCache.truncate(sequence, numKept);
        numEvictedTokens += numSlots - numKept;
        request.addEvictedTokens(numSlots - numKept);
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
