package io.kvasir.springai.example;

import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.memory.ChatMemory;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.stereotype.Service;

import reactor.core.publisher.Flux;

/** Answers the messages of named conversations; each answer sees the conversation so far. */
@Service
public class ChatAssistant {

    private final ChatClient chatClient;

    ChatAssistant(ChatClient chatClient) {
        this.chatClient = chatClient;
    }

    /** The reply to {@code message} in {@code conversationId}, with its token usage. */
    public Reply reply(String conversationId, String message) {
        ChatResponse response = chatClient.prompt().user(message)
                .advisors(a -> a.param(ChatMemory.CONVERSATION_ID, conversationId))
                .call().chatResponse();
        return Reply.of(response);
    }

    /** The reply as it is generated; the last response carries the usage. */
    public Flux<ChatResponse> streamReply(String conversationId, String message) {
        return chatClient.prompt().user(message)
                .advisors(a -> a.param(ChatMemory.CONVERSATION_ID, conversationId))
                .stream().chatResponse();
    }
}
