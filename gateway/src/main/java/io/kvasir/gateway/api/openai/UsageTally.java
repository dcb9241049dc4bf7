package io.kvasir.gateway.api.openai;

import io.kvasir.api.FinishReason;
import io.kvasir.api.GenerationResult;

/**
 * Adds up the {@link Usage} of a request's choices as they finish: prompt and cached tokens from the first
 * choice of each prompt (a prompt is paid once, however many choices it has), generated tokens from all.
 */
final class UsageTally {

    private final int n;
    private int promptTokens;
    private int cachedTokens;
    private int completionTokens;

    /** @param n choices per prompt */
    UsageTally(int n) {
        this.n = n;
    }

    void add(int index, GenerationResult result) {
        if (index % n == 0) {
            promptTokens += result.numPromptTokens();
            cachedTokens += result.numCachedPromptTokens();
        }
        completionTokens += result.numGeneratedTokens();
    }

    Usage usage() {
        return Usage.of(promptTokens, cachedTokens, completionTokens);
    }

    /** OpenAI's {@code finish_reason}: {@code stop} (end of generation or a stop string) or {@code length}. */
    static String finishReason(FinishReason reason) {
        return switch (reason) {
            case STOP -> "stop";
            case LENGTH -> "length";
            case CANCELLED, ERROR -> throw new IllegalStateException("unfinished generations never reach a response: " + reason);
        };
    }
}
