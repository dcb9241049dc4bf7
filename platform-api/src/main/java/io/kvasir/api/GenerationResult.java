package io.kvasir.api;

import org.jspecify.annotations.Nullable;

/**
 * How a generation ended, with its usage.
 *
 * @param requestId the request
 * @param finishReason why it ended
 * @param numPromptTokens prompt tokens
 * @param numCachedPromptTokens prompt tokens whose KV came from the prefix cache instead of being computed
 * @param numGeneratedTokens generated tokens
 * @param timeToFirstTokenNanos from submission to the first generated token (0 if none)
 * @param totalNanos from submission to the end
 * @param numPreemptions how often the request was preempted and resumed
 * @param numBlocksHeld the most KV blocks the request held at once (0 if it never ran a step)
 * @param numEvictedTokens cache positions an eviction policy dropped from the request's KV (0 without eviction)
 * @param error what went wrong when {@code finishReason} is ERROR
 */
public record GenerationResult(String requestId, FinishReason finishReason, int numPromptTokens,
        int numCachedPromptTokens, int numGeneratedTokens, long timeToFirstTokenNanos, long totalNanos,
        int numPreemptions, int numBlocksHeld, int numEvictedTokens, @Nullable String error) {

    /** A result without KV usage figures (blocks held and evicted tokens read 0). */
    public GenerationResult(String requestId, FinishReason finishReason, int numPromptTokens, int numCachedPromptTokens,
            int numGeneratedTokens, long timeToFirstTokenNanos, long totalNanos, int numPreemptions, @Nullable String error) {
        this(requestId, finishReason, numPromptTokens, numCachedPromptTokens, numGeneratedTokens, timeToFirstTokenNanos,
                totalNanos, numPreemptions, 0, 0, error);
    }
}
