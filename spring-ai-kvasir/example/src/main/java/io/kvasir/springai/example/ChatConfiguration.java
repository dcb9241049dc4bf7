package io.kvasir.springai.example;

import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.advisor.MessageChatMemoryAdvisor;
import org.springframework.ai.chat.memory.ChatMemory;
import org.springframework.ai.chat.memory.InMemoryChatMemoryRepository;
import org.springframework.ai.chat.memory.MessageWindowChatMemory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The chat client: whatever ChatModel the application has (Kvasir's here), with a memory of each conversation. */
@Configuration(proxyBeanMethods = false)
class ChatConfiguration {

    /** The last messages of each conversation, kept in memory. */
    @Bean
    ChatMemory chatMemory(@Value("${kvasir.example.memory-messages:20}") int maxMessages) {
        return MessageWindowChatMemory.builder().chatMemoryRepository(new InMemoryChatMemoryRepository())
                .maxMessages(maxMessages).build();
    }

    @Bean
    ChatClient chatClient(ChatClient.Builder builder, ChatMemory chatMemory,
            @Value("${kvasir.example.system:}") String system) {
        if (!system.isBlank()) {
            builder.defaultSystem(system);
        }
        return builder.defaultAdvisors(MessageChatMemoryAdvisor.builder(chatMemory).build()).build();
    }
}
