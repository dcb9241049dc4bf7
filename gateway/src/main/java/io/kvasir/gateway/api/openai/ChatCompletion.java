package io.kvasir.gateway.api.openai;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/** OpenAI's {@code chat.completion} object: the response of a non-streaming chat completion. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ChatCompletion(String id, String object, long created, String model, List<Choice> choices, Usage usage) {

    public ChatCompletion(String id, long created, String model, List<Choice> choices, Usage usage) {
        this(id, "chat.completion", created, model, List.copyOf(choices), usage);
    }

    /** One choice: the assistant's message and why it ended. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Choice(int index, Message message, @Nullable ChatLogprobs logprobs, String finishReason) {
    }

    /** The generated message. */
    public record Message(String role, String content) {
    }

    /** A {@code chat.completion.chunk} of a streaming chat completion. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Chunk(String id, String object, long created, String model, List<ChunkChoice> choices,
            @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Usage usage) {

        public Chunk(String id, long created, String model, List<ChunkChoice> choices, @Nullable Usage usage) {
            this(id, "chat.completion.chunk", created, model, List.copyOf(choices), usage);
        }
    }

    /** One choice's part of a chunk. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ChunkChoice(int index, Delta delta, @Nullable ChatLogprobs logprobs, @Nullable String finishReason) {
    }

    /** What a chunk adds to the message: the role in a choice's first chunk, then text. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Delta(@Nullable String role, @Nullable String content) {
    }
}
