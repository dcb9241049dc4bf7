package io.kvasir.springai;

import java.util.List;
import java.util.Objects;

/**
 * A chat request ready to be served: the conversation and the options, already merged with the model's
 * defaults.
 *
 * @param messages the conversation, oldest first (an unmodifiable copy)
 * @param options the request's options
 */
public record KvasirChatRequest(List<KvasirMessage> messages, KvasirChatOptions options) {

    public KvasirChatRequest {
        messages = List.copyOf(messages);
        Objects.requireNonNull(options, "options");
    }
}
