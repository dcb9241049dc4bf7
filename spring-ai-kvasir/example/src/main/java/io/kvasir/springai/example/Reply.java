package io.kvasir.springai.example;

import org.springframework.ai.chat.metadata.Usage;
import org.springframework.ai.chat.model.ChatResponse;

/**
 * A reply and what it cost.
 *
 * @param text the assistant's text
 * @param promptTokens tokens of the prompt (the conversation so far, through the chat template)
 * @param cachedPromptTokens prompt tokens served from Kvasir's prefix cache
 * @param completionTokens generated tokens
 */
public record Reply(String text, int promptTokens, long cachedPromptTokens, int completionTokens) {

    static Reply of(ChatResponse response) {
        Usage usage = response.getMetadata().getUsage();
        Long cached = usage.getCacheReadInputTokens();
        String text = response.getResult() == null ? "" : response.getResult().getOutput().getText();
        return new Reply(text == null ? "" : text, usage.getPromptTokens(), cached == null ? 0 : cached,
                usage.getCompletionTokens());
    }
}
