package io.kvasir.springai;

/**
 * The tokens one request used.
 *
 * @param promptTokens prompt tokens
 * @param cachedPromptTokens prompt tokens whose KV came from the prefix cache instead of being computed
 *     (OpenAI's {@code usage.prompt_tokens_details.cached_tokens})
 * @param completionTokens generated tokens
 */
public record KvasirUsage(int promptTokens, int cachedPromptTokens, int completionTokens) {

    public int totalTokens() {
        return promptTokens + completionTokens;
    }
}
