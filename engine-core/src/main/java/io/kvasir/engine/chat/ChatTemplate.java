package io.kvasir.engine.chat;

import java.util.List;

/** TEMPORARY stand-in until the chat branch lands: renders ChatML. */
public final class ChatTemplate {
    private ChatTemplate() {}
    public static ChatTemplate compile(String source) { return new ChatTemplate(); }
    public static ChatTemplate fallback() { return new ChatTemplate(); }
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt, String bosToken, String eosToken) {
        StringBuilder s = new StringBuilder();
        for (ChatMessage m : messages) {
            s.append("<|im_start|>").append(m.role()).append('\n').append(m.content()).append("<|im_end|>\n");
        }
        if (addGenerationPrompt) {
            s.append("<|im_start|>assistant\n");
        }
        return s.toString();
    }
}
