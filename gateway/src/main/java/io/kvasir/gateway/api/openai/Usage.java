package io.kvasir.gateway.api.openai;

import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * OpenAI's {@code usage}: prompt tokens (each prompt once, however many choices it has), generated tokens of all
 * choices, and the prompt tokens whose KV came from the prefix cache ({@code prompt_tokens_details.cached_tokens},
 * counted like the prompt tokens, from each prompt's first choice).
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Usage(int promptTokens, int completionTokens, int totalTokens, PromptTokensDetails promptTokensDetails) {

    /** Details of the prompt tokens. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record PromptTokensDetails(int cachedTokens) {
    }

    /** Usage from its parts; the total is their sum. */
    public static Usage of(int promptTokens, int cachedTokens, int completionTokens) {
        return new Usage(promptTokens, completionTokens, promptTokens + completionTokens,
                new PromptTokensDetails(cachedTokens));
    }
}
