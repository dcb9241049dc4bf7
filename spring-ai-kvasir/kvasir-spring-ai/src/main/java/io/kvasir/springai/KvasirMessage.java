package io.kvasir.springai;

import java.util.Objects;

/**
 * One message of a conversation as a {@link KvasirChatBackend} receives it.
 *
 * @param role {@code system}, {@code user} or {@code assistant}
 * @param content the message's text (may be empty)
 */
public record KvasirMessage(String role, String content) {

    public KvasirMessage {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
    }
}
