package io.kvasir.engine.sample;

import java.util.Objects;
import java.util.function.IntPredicate;

import io.kvasir.api.FinishReason;
import io.kvasir.api.SamplingParams;
import io.kvasir.engine.tokenizer.Tokenizer;

import org.jspecify.annotations.Nullable;

/**
 * Decides whether a sequence's generation ends after a token, from the request's end-of-generation,
 * max-tokens and stop-string settings. The engine adds what only it knows (context full, cancellation,
 * errors).
 *
 * <p>Precedence when several apply to the same token: a stop string or an end-of-generation token
 * ({@link FinishReason#STOP}) before max tokens ({@link FinishReason#LENGTH}), as vLLM does.
 */
public final class GenerationLimits {

    private final IntPredicate isEndOfGeneration;
    private final boolean ignoreEos;
    private final int maxTokens;

    /** Limits from the request's parameters and the model's end-of-generation tokens. */
    public GenerationLimits(SamplingParams params, Tokenizer tokenizer) {
        this(params, tokenizer::isEndOfGeneration);
    }

    /** Limits from the request's parameters and a test for end-of-generation token ids. */
    public GenerationLimits(SamplingParams params, IntPredicate isEndOfGeneration) {
        this.isEndOfGeneration = Objects.requireNonNull(isEndOfGeneration, "isEndOfGeneration");
        this.ignoreEos = params.ignoreEos();
        this.maxTokens = params.maxTokens();
    }

    /**
     * Why generation ends after this token, or null to go on.
     *
     * @param tokenId the token just generated
     * @param numGeneratedTokens generated tokens so far, this one included
     * @param stopStringMatched whether the {@link StopStringMatcher} matched on this token's text
     */
    public @Nullable FinishReason check(int tokenId, int numGeneratedTokens, boolean stopStringMatched) {
        if (stopStringMatched || (!ignoreEos && isEndOfGeneration.test(tokenId))) {
            return FinishReason.STOP;
        }
        if (numGeneratedTokens >= maxTokens) {
            return FinishReason.LENGTH;
        }
        return null;
    }
}
