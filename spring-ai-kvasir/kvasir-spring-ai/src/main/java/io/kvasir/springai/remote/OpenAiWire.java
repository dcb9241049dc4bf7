package io.kvasir.springai.remote;

import java.util.List;

import org.jspecify.annotations.Nullable;

import com.fasterxml.jackson.annotation.JsonInclude;

import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

/**
 * The OpenAI chat-completions wire format with Kvasir's extras ({@code top_k}, {@code min_p},
 * {@code repetition_penalty}, {@code priority}, {@code ignore_eos}), as the Kvasir gateway speaks it.
 * Names are snake_case on the wire; absent values are left out of requests; unknown response fields are
 * ignored.
 */
final class OpenAiWire {

    /** The request path, relative to the gateway's base URL. */
    static final String CHAT_COMPLETIONS_PATH = "/v1/chat/completions";
    /** The data of the event that ends a stream. */
    static final String DONE = "[DONE]";

    static final JsonMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .changeDefaultPropertyInclusion(inclusion -> inclusion.withValueInclusion(JsonInclude.Include.NON_NULL))
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private OpenAiWire() {
    }

    record ChatCompletionRequest(String model, List<Message> messages, boolean stream,
            @Nullable StreamOptions streamOptions, @Nullable Integer maxTokens, @Nullable Double temperature,
            @Nullable Double topP, @Nullable Integer topK, @Nullable Double minP, @Nullable Long seed,
            @Nullable List<String> stop, @Nullable Double presencePenalty, @Nullable Double frequencyPenalty,
            @Nullable Double repetitionPenalty, @Nullable Integer priority, @Nullable Boolean ignoreEos) {
    }

    record Message(@Nullable String role, @Nullable String content) {
    }

    record StreamOptions(boolean includeUsage) {
    }

    /** A whole completion, a stream chunk, or (with {@code error} set) an error event. */
    record ChatCompletion(@Nullable String id, @Nullable String model, @Nullable List<Choice> choices,
            @Nullable Usage usage, @Nullable ErrorBody error) {
    }

    record Choice(@Nullable Integer index, @Nullable Message message, @Nullable Message delta,
            @Nullable String finishReason) {
    }

    record Usage(int promptTokens, int completionTokens, @Nullable PromptTokensDetails promptTokensDetails) {
    }

    record PromptTokensDetails(@Nullable Integer cachedTokens) {
    }

    record ErrorEnvelope(@Nullable ErrorBody error) {
    }

    record ErrorBody(@Nullable String message, @Nullable String type, @Nullable String param, @Nullable String code) {
    }
}
