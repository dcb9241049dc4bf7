package io.kvasir.api;

/**
 * A listener that chooses each next token itself from the model's logits instead of letting the sampler
 * draw it: teacher forcing, for scoring a known text (perplexity, agreement between KV-cache strategies).
 * Everything else (batching, the KV cache and its strategies, streaming) runs as for any request.
 *
 * <p>Called on the engine's loop thread, before {@link #onToken}; must return quickly.
 */
public interface ForcedDecoding extends GenerationListener {

    /**
     * The token to append after this step.
     *
     * @param logits the next-token logits, {@code vocabSize} floats from {@code offset}; valid only during the call
     * @param numGeneratedTokens tokens appended so far
     */
    int nextToken(float[] logits, int offset, int vocabSize, int numGeneratedTokens);
}
