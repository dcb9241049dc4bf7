package io.kvasir.springai;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A piece of a response, or a whole response.
 *
 * <p>Invariants: a stream of chunks ends with exactly one chunk that has a {@code finishReason}
 * ({@link #FINISH_STOP} or {@link #FINISH_LENGTH}) and the request's {@code usage}; no other chunk has
 * either. A non-streamed response is one such final chunk holding the whole text.
 *
 * @param id the response's id, the same in every chunk of a stream
 * @param model the model that answered
 * @param text the text this chunk adds (may be empty)
 * @param finishReason why the generation ended, in the final chunk only
 * @param usage the request's token counts, in the final chunk only
 */
public record KvasirChatChunk(String id, String model, String text, @Nullable String finishReason,
        @Nullable KvasirUsage usage) {

    /** An end-of-sequence token or a stop sequence ended the generation. */
    public static final String FINISH_STOP = "STOP";
    /** The generation reached max tokens or the context length. */
    public static final String FINISH_LENGTH = "LENGTH";

    public KvasirChatChunk {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(text, "text");
        if ((finishReason == null) != (usage == null)) {
            throw new IllegalArgumentException("finish reason and usage come together, in the final chunk only");
        }
    }

    /** A chunk of text in the middle of a stream. */
    public static KvasirChatChunk text(String id, String model, String text) {
        return new KvasirChatChunk(id, model, text, null, null);
    }

    /** Whether this chunk ends its stream. */
    public boolean isFinal() {
        return finishReason != null;
    }
}
