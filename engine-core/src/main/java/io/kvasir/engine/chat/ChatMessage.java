package io.kvasir.engine.chat;

/** TEMPORARY stand-in until the chat branch lands. */
public record ChatMessage(String role, String content) {
}
