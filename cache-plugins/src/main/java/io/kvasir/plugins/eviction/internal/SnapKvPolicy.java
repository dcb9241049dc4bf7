package io.kvasir.plugins.eviction.internal;

/**
 * SnapKV (Li et al., 2024, "SnapKV: LLM Knows What You are Looking for Before Generation"), applied whenever the
 * cache outgrows its budget: at the end of prefill, as in the paper, and again during decode, each time by the
 * attention of the sequence's most recent queries.
 *
 * <p>The statistic ({@link AttentionStats#RECENT_WINDOW}) is the attention the last {@code window} computed tokens
 * (the observation window: the prompt's last tokens at the end of prefill, the newest prompt and generated tokens
 * later) gave each slot, summed over the window's queries, layers and heads. With the cache over budget by more
 * than a chunk: the last {@code window} slots, the observation window itself, are kept. The scores of the slots
 * before it are smoothed by 1-D pooling over a kernel of {@code kernelSize} positions centred on each slot's
 * position, among those slots only: the maximum of the neighbours that are cached, or their float sum, in slot
 * order, divided by {@code kernelSize} (positions not cached, evicted or past the edges, count as zero, like
 * SnapKV's {@code avg_pool1d} with padding). The {@code budget - window} slots with the highest smoothed scores are
 * kept, equal scores keeping the more recent slot. Pooling keeps a token's neighbours with it, so the model sees
 * whole phrases rather than isolated tokens. Before anything was evicted, positions and slots coincide and this is
 * the paper's selection.
 *
 * <p>Every candidate slot precedes every query of the window, so each was attended by all of them: the sum ranks
 * slots by what the current window attends, without H2O's bias towards old slots, and forgets a query as soon as
 * it leaves the window. When the budget is smaller than the window, the newest {@code budget} slots are kept.
 * SnapKV must see the whole prompt before it first selects, so {@link #selectsDuringPrefill()} is false.
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
     * @param window queries in the observation window (the last computed tokens), at least 1
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
        return AttentionStats.RECENT_WINDOW;
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
        int firstWindow = numSlots - window;
        float[] pooled = pool(slotPositions, slotScores, firstWindow);
        int n = topSlots.appendTop(pooled, firstWindow, budget - window, keep, 0);
        return SlotRanges.append(keep, n, firstWindow, numSlots);
    }

    /** Smooths {@code scores[0, numCandidates)} over the slots' positions into the scratch array, which it returns. */
    private float[] pool(int[] positions, float[] scores, int numCandidates) {
        if (pooledScores.length < numCandidates) {
            pooledScores = new float[(int) Math.min(Integer.MAX_VALUE - 8, Math.max(numCandidates, 2L * pooledScores.length))];
        }
        int half = kernelSize / 2;
        float[] pooled = pooledScores;
        for (int slot = 0; slot < numCandidates; slot++) {
            // The cached neighbours within half a kernel of the slot's position: at most half on each side.
            int from = slot;
            while (from > 0 && positions[slot] - positions[from - 1] <= half) {
                from--;
            }
            int to = slot + 1;
            while (to < numCandidates && positions[to] - positions[slot] <= half) {
                to++;
            }
            pooled[slot] = pooling == Pooling.MAX ? max(scores, from, to) : sum(scores, from, to) / kernelSize;
        }
        return pooled;
    }

    private static float max(float[] scores, int from, int to) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = from; j < to; j++) {
            max = Math.max(max, scores[j]);
        }
        return max;
    }

    private static float sum(float[] scores, int from, int to) {
        float sum = 0f;
        for (int j = from; j < to; j++) {
            sum += scores[j];
        }
        return sum;
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
