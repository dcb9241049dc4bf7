package io.kvasir.engine.chat;

import java.util.Objects;

/**
 * One turn of a conversation as a chat template sees it: {@code message['role']} and {@code message['content']}.
 *
 * @param role    who speaks: {@code system}, {@code user}, {@code assistant} or {@code tool} (templates decide what
 *                they accept)
 * @param content the text of the turn
 */
public record ChatMessage(String role, String content) {
    /** Validates that neither component is null. */
    public ChatMessage {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
    }

    /** A {@code system} turn. */
    public static ChatMessage system(String content) {
        return new ChatMessage("system", content);
    }

    /** A {@code user} turn. */
    public static ChatMessage user(String content) {
        return new ChatMessage("user", content);
    }

    /** An {@code assistant} turn. */
    public static ChatMessage assistant(String content) {
        return new ChatMessage("assistant", content);
    }
}
