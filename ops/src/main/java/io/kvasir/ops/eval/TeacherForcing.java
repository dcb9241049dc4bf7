package io.kvasir.ops.eval;

import java.util.concurrent.CompletableFuture;

import io.kvasir.api.ForcedDecoding;
import io.kvasir.api.GenerationResult;
import io.kvasir.api.TokenOutput;

/**
 * Forces a known continuation through the engine and keeps the logits it produced before each forced
 * token, with the time each token arrived. The logits are only copied on the loop thread; scoring happens
 * afterwards on the caller's thread, so decoding speed is not charged for it.
 *
 * <p>Invariants: row {@code g} of {@link #logits} holds the distribution that predicted {@code targets[g]};
 * the engine appends exactly {@code targets.length} tokens (the request's {@code maxTokens}).
 */
final class TeacherForcing implements ForcedDecoding {

    final CompletableFuture<GenerationResult> done = new CompletableFuture<>();
    private final int[] targets;
    private final float[] logits;
    private final long[] tokenNanos;
    private final Runnable onStep;
    private final int vocabSize;
    private int numTokens;

    /**
     * @param targets the tokens to force, in order
     * @param vocabSize the model's vocabulary
     * @param onStep run on the loop thread for every token (observes the engine between steps)
     */
    TeacherForcing(int[] targets, int vocabSize, Runnable onStep) {
        this.targets = targets.clone();
        this.logits = new float[targets.length * vocabSize];
        this.tokenNanos = new long[targets.length];
        this.onStep = onStep;
        this.vocabSize = vocabSize;
    }

    @Override
    public int nextToken(float[] stepLogits, int offset, int stepVocabSize, int numGeneratedTokens) {
        if (stepVocabSize != vocabSize) {
            throw new IllegalStateException("the engine gave " + stepVocabSize + " logits, the model has " + vocabSize);
        }
        System.arraycopy(stepLogits, offset, logits, numGeneratedTokens * vocabSize, vocabSize);
        return targets[numGeneratedTokens];
    }

    @Override
    public void onToken(TokenOutput token) {
        if (numTokens < tokenNanos.length) {
            tokenNanos[numTokens] = System.nanoTime();
        }
        numTokens++;
        onStep.run();
    }

    @Override
    public void onComplete(GenerationResult result) {
        done.complete(result);
    }

    @Override
    public void onError(Throwable error) {
        done.completeExceptionally(error);
    }

    int numTargets() {
        return targets.length;
    }

    int target(int index) {
        return targets[index];
    }

    /** The logits of all forced positions, row by row; read only after {@link #done} completed. */
    float[] logits() {
        return logits;
    }

    int numTokens() {
        return numTokens;
    }

    long firstTokenNanos() {
        return numTokens == 0 ? 0 : tokenNanos[0];
    }

    long lastTokenNanos() {
        return numTokens == 0 ? 0 : tokenNanos[Math.min(numTokens, tokenNanos.length) - 1];
    }

    /** Tokens that arrived strictly after {@code instant}. */
    int numTokensAfter(long instant) {
        int n = 0;
        for (int i = 0; i < Math.min(numTokens, tokenNanos.length); i++) {
            if (tokenNanos[i] > instant) {
                n++;
            }
        }
        return n;
    }
}
