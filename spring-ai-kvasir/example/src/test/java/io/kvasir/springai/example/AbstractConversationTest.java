package io.kvasir.springai.example;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.memory.ChatMemory;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.MessageType;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * What a user of the example sees, whichever way Kvasir serves it: multi-turn conversations through
 * {@code ChatClient} with chat memory, greedy and short. Subclasses start the application in one mode
 * ({@link EmbeddedConversationTest} in process, {@link RemoteConversationTest} against a real gateway). Conversation ids are unique per test, so the tests share one application.
 */
@TestPropertySource(properties = {
        // The gateway shares this test class path (RemoteConversationTest starts one); the example's context stays
        // the example's: its own application.properties, not the gateway's application.yml, and no database.
        "spring.config.location=classpath:/application.properties",
        "spring.autoconfigure.exclude=org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration,"
                + "org.springframework.boot.r2dbc.autoconfigure.R2dbcAutoConfiguration,"
                + "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration"})
abstract class AbstractConversationTest {

    @Autowired
    ChatAssistant assistant;

    @Autowired
    ChatMemory chatMemory;

    @Test
    void theSecondTurnSeesTheFirstAndIsServedFromThePrefixCache() {
        Reply first = assistant.reply("two-turns", "Hi");
        Reply second = assistant.reply("two-turns", "Tell me a story");

        assertThat(first.text()).isNotEmpty();
        assertThat(first.cachedPromptTokens()).isZero();
        // The second prompt is the whole conversation: the first turn, its reply and the new message.
        assertThat(second.promptTokens()).isGreaterThan(first.promptTokens() + first.completionTokens());
        assertThat(second.cachedPromptTokens()).isPositive().isLessThanOrEqualTo(first.promptTokens() + first.completionTokens());
        List<Message> remembered = chatMemory.get("two-turns");
        assertThat(remembered).extracting(Message::getMessageType).containsExactly(MessageType.USER,
                MessageType.ASSISTANT, MessageType.USER, MessageType.ASSISTANT);
        assertThat(remembered.get(1).getText()).isEqualTo(first.text());
        assertThat(remembered.get(3).getText()).isEqualTo(second.text());
    }

    @Test
    void conversationsAreKeptApart() {
        Reply alone = assistant.reply("apart-1", "Hello there");
        assistant.reply("apart-2", "Once upon a time");
        Reply again = assistant.reply("apart-3", "Hello there");

        assertThat(again.promptTokens()).isEqualTo(alone.promptTokens());
        assertThat(again.text()).isEqualTo(alone.text());
        assertThat(chatMemory.get("apart-1")).hasSize(2);
    }

    @Test
    void aStreamedReplyIsRememberedAndCarriesTheUsage() {
        List<ChatResponse> chunks = assistant.streamReply("streamed", "Hi").collectList().block();

        StringBuilder text = new StringBuilder();
        chunks.forEach(c -> text.append(c.getResult().getOutput().getText()));
        assertThat(text.toString()).isNotEmpty();
        assertThat(Reply.of(chunks.getLast()).completionTokens()).isPositive();
        // the next turn streams too: its last chunk's usage counts the prompt tokens the first turn left cached
        Reply next = Reply.of(assistant.streamReply("streamed", "And then?").blockLast());
        assertThat(chatMemory.get("streamed")).hasSize(4);
        assertThat(chatMemory.get("streamed").get(1).getText()).isEqualTo(text.toString());
        assertThat(next.cachedPromptTokens()).isPositive();
    }
}
