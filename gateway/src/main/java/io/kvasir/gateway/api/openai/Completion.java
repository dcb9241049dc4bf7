package io.kvasir.gateway.api.openai;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * OpenAI's {@code text_completion} object: the response of {@code /v1/completions}, and (with {@code usage}
 * only in the last one, when asked for) each chunk of its stream.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Completion(String id, String object, long created, String model, List<Choice> choices,
        @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Usage usage) {

    public Completion(String id, long created, String model, List<Choice> choices, @Nullable Usage usage) {
        this(id, "text_completion", created, model, List.copyOf(choices), usage);
    }

    /** One choice (or a choice's part of a chunk). */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Choice(int index, String text, @Nullable CompletionLogprobs logprobs, @Nullable String finishReason) {
    }
}
