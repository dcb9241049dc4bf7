package io.kvasir.plugins.eviction.internal;

/**
 * SnapKV (Li et al., 2024, "SnapKV: LLM Knows What You are Looking for Before Generation").
 *
 * <p>At the end of prefill ({@code endOfPrefill}), with the cache over budget by more than a chunk: the
 * last {@code window} slots are the observation window and are kept. The scores of the slots before it
 * (the attention the window's queries gave each of them) are smoothed by 1-D pooling of {@code kernelSize}
 * slots centred on each slot, over the pre-window slots only: the maximum of the neighbours that exist, or
 * their float sum, in slot order, divided by {@code kernelSize} (missing neighbours count as zero, like
 * SnapKV's {@code avg_pool1d} with padding). The {@code budget - window} slots with the highest smoothed
 * scores are kept, equal scores keeping the more recent slot. Pooling keeps a token's neighbours with it,
 * so the model sees whole phrases rather than isolated tokens.
 *
 * <p>During decode (every later call), with the cache over budget by more than a chunk: the prompt slots
 * kept at the end of prefill stay, as long as they leave room for a recent window of at least
 * {@code window} slots, and the rest of the budget holds the newest slots. Precisely, with {@code p} the
 * number of prompt slots still cached, the oldest {@code min(p, budget - window)} slots are kept, then the
 * newest ones up to the budget; generated tokens slide through the recent window, oldest out first. Prompt
 * slots are recognised by their scores: the statistic is the attention of prompt tokens, so every prompt
 * slot has a positive score (the last prompt token attends to all of them) and every later slot scores zero.
 * With a fixed {@code budget_tokens} that is exactly the slots selected by score plus the newest
 * {@code window}; with a fraction the recent window grows with the budget, as the other policies' windows do.
 *
 * <p>When the budget is smaller than the window, both phases keep the newest {@code budget} slots.
 * SnapKV must see the whole prompt before it selects, so {@link #selectsDuringPrefill()} is false.
 */
public final class SnapKvPolicy extends BudgetedPolicy {

    /** How scores are smoothed before the top slots are chosen. */
    public enum Pooling {
        /** The largest score in the kernel. */
        MAX,
        /** The kernel's sum divided by the kernel size. */
        AVG
    }

    private final int window;
    private final int kernelSize;
    private final Pooling pooling;
    private final TopSlots topSlots = new TopSlots();
    private float[] pooledScores = new float[256];

    /**
     * @param budget the slot budget
     * @param window prompt tokens in the observation window, at least 1
     * @param kernelSize pooling width in slots, odd and at least 1 (1 means no smoothing)
     * @param pooling max or average pooling
     */
    public SnapKvPolicy(EvictionBudget budget, int window, int kernelSize, Pooling pooling) {
        super(budget);
        if (window < 1) {
            throw new IllegalArgumentException("window must be >= 1, got " + window);
        }
        if (kernelSize < 1 || kernelSize % 2 == 0) {
            throw new IllegalArgumentException("kernelSize must be odd and >= 1, got " + kernelSize);
        }
        if (pooling == null) {
            throw new IllegalArgumentException("pooling must not be null");
        }
        this.window = window;
        this.kernelSize = kernelSize;
        this.pooling = pooling;
    }

    @Override
    public AttentionStats attentionStats() {
        return AttentionStats.OBSERVATION_WINDOW;
    }

    @Override
    public int observationWindow() {
        return window;
    }

    @Override
    public boolean selectsDuringPrefill() {
        return false;
    }

    @Override
    protected int evict(int numSlots, int[] slotPositions, float[] slotScores, boolean endOfPrefill, int budget, int[] keep) {
        if (budget < window) {
            return SlotRanges.append(keep, 0, numSlots - budget, numSlots);
        }
        if (!endOfPrefill) {
            int numOldest = Math.min(numPromptSlots(slotScores, numSlots), budget - window);
            int n = SlotRanges.append(keep, 0, 0, numOldest);
            return SlotRanges.append(keep, n, numSlots - (budget - numOldest), numSlots);
        }
        int firstWindow = numSlots - window;
        float[] pooled = pool(slotScores, firstWindow);
        int n = topSlots.appendTop(pooled, firstWindow, budget - window, keep, 0);
        return SlotRanges.append(keep, n, firstWindow, numSlots);
    }

    /** The leading slots with a positive score: the prompt's (generated slots never receive the statistic). */
    private static int numPromptSlots(float[] slotScores, int numSlots) {
        int n = 0;
        while (n < numSlots && slotScores[n] > 0f) {
            n++;
        }
        return n;
    }

    /** Smooths {@code scores[0, numCandidates)} into the scratch array, which it returns. */
    private float[] pool(float[] scores, int numCandidates) {
        if (pooledScores.length < numCandidates) {
            pooledScores = new float[(int) Math.min(Integer.MAX_VALUE - 8, Math.max(numCandidates, 2L * pooledScores.length))];
        }
        if (pooling == Pooling.MAX) {
            maxPool(scores, numCandidates, kernelSize / 2, pooledScores);
        } else {
            averagePool(scores, numCandidates, kernelSize / 2, pooledScores);
        }
        return pooledScores;
    }

    private static void maxPool(float[] scores, int numCandidates, int half, float[] pooled) {
        for (int slot = 0; slot < numCandidates; slot++) {
            int to = Math.min(numCandidates, slot + half + 1);
            float max = Float.NEGATIVE_INFINITY;
            for (int j = Math.max(0, slot - half); j < to; j++) {
                max = Math.max(max, scores[j]);
            }
            pooled[slot] = max;
        }
    }

    private static void averagePool(float[] scores, int numCandidates, int half, float[] pooled) {
        float kernelSize = 2 * half + 1;
        for (int slot = 0; slot < numCandidates; slot++) {
            int to = Math.min(numCandidates, slot + half + 1);
            float sum = 0f;
            for (int j = Math.max(0, slot - half); j < to; j++) {
                sum += scores[j];
            }
            pooled[slot] = sum / kernelSize;
        }
    }

    public int window() {
        return window;
    }

    public int kernelSize() {
        return kernelSize;
    }

    public Pooling pooling() {
        return pooling;
    }
}
