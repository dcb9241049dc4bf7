package io.kvasir.ops.eval;

/**
 * Accumulates how closely one strategy's next-token distributions follow the reference's over forced
 * positions: the strategy's negative log-likelihood of the forced text, top-1 agreement with the
 * reference, and KL(reference || strategy) of the softmax distributions. Sums are in double precision.
 *
 * <p>Invariants: {@code numAgreeing <= numPositions}; KL terms are never negative (a rounding residue
 * below zero is clamped), and identical logits give exactly 0.
 */
final class FidelityScore {

    /**
     * A disagreement where the reference itself gave the strategy's choice nearly the probability of its own
     * (within about 10%) is a near tie: the smallest perturbation flips it.
     */
    static final double NEAR_TIE_NATS = 0.1;

    private final double[] referenceLogProbs;
    private final double[] candidateLogProbs;
    private long numPositions;
    private long numAgreeing;
    private long numNearTieFlips;
    private double sumNll;
    private double sumKl;

    FidelityScore(int vocabSize) {
        this.referenceLogProbs = new double[vocabSize];
        this.candidateLogProbs = new double[vocabSize];
    }

    /**
     * Adds one position.
     *
     * @param reference the reference's logits, {@code vocabSize} floats from {@code referenceOffset}
     * @param candidate the strategy's logits, {@code vocabSize} floats from {@code candidateOffset}
     * @param target the token forced at this position
     */
    void add(float[] reference, int referenceOffset, float[] candidate, int candidateOffset, int target) {
        int vocabSize = referenceLogProbs.length;
        logSoftmax(reference, referenceOffset, referenceLogProbs);
        logSoftmax(candidate, candidateOffset, candidateLogProbs);
        double kl = 0;
        for (int i = 0; i < vocabSize; i++) {
            double p = Math.exp(referenceLogProbs[i]);
            if (p > 0) {
                kl += p * (referenceLogProbs[i] - candidateLogProbs[i]);
            }
        }
        sumKl += Math.max(0, kl);
        sumNll -= candidateLogProbs[target];
        int referenceTop = argmax(reference, referenceOffset, vocabSize);
        int candidateTop = argmax(candidate, candidateOffset, vocabSize);
        if (referenceTop == candidateTop) {
            numAgreeing++;
        } else if (referenceLogProbs[referenceTop] - referenceLogProbs[candidateTop] < NEAR_TIE_NATS) {
            numNearTieFlips++;
        }
        numPositions++;
    }

    long numPositions() {
        return numPositions;
    }

    /** exp(mean negative log-likelihood) of the forced tokens under the strategy. */
    double perplexity() {
        return numPositions == 0 ? Double.NaN : Math.exp(sumNll / numPositions);
    }

    double top1Agreement() {
        return numPositions == 0 ? Double.NaN : (double) numAgreeing / numPositions;
    }

    /** Of the positions where the top-1 tokens differ, the share that are near ties under the reference. */
    double nearTieShareOfFlips() {
        long numFlips = numPositions - numAgreeing;
        return numFlips == 0 ? 0 : (double) numNearTieFlips / numFlips;
    }

    double meanKl() {
        return numPositions == 0 ? Double.NaN : sumKl / numPositions;
    }

    static void logSoftmax(float[] logits, int offset, double[] out) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < out.length; i++) {
            max = Math.max(max, logits[offset + i]);
        }
        double sum = 0;
        for (int i = 0; i < out.length; i++) {
            sum += Math.exp(logits[offset + i] - max);
        }
        double logSum = max + Math.log(sum);
        for (int i = 0; i < out.length; i++) {
            out[i] = logits[offset + i] - logSum;
        }
    }

    /** The first index of the largest logit, so ties resolve the same way for both sides. */
    static int argmax(float[] logits, int offset, int vocabSize) {
        int best = 0;
        float bestValue = logits[offset];
        for (int i = 1; i < vocabSize; i++) {
            if (logits[offset + i] > bestValue) {
                bestValue = logits[offset + i];
                best = i;
            }
        }
        return best;
    }
}
