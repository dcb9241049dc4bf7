package io.kvasir.springai.remote;

import static io.kvasir.springai.remote.CannedGateway.chunk;
import static io.kvasir.springai.remote.CannedGateway.completion;
import static io.kvasir.springai.remote.CannedGateway.json;
import static io.kvasir.springai.remote.CannedGateway.sse;
import static io.kvasir.springai.remote.CannedGateway.usageChunk;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.kvasir.springai.KvasirChatModel;
import io.kvasir.springai.KvasirChatOptions;
import io.kvasir.springai.autoconfigure.KvasirChatAutoConfiguration;
import io.kvasir.springai.autoconfigure.KvasirEmbeddedAutoConfiguration;
import io.kvasir.springai.autoconfigure.KvasirRemoteAutoConfiguration;
import tools.jackson.databind.JsonNode;

/** The auto-configured chat model in remote mode, over HTTP to a server speaking the gateway's format. */
class RemoteModeTest {

    private final CannedGateway gateway = new CannedGateway();
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(KvasirEmbeddedAutoConfiguration.class,
                    KvasirRemoteAutoConfiguration.class, KvasirChatAutoConfiguration.class))
            .withPropertyValues("spring.ai.kvasir.mode=remote", "spring.ai.kvasir.remote.base-url=" + gateway.baseUrl(),
                    "spring.ai.kvasir.remote.api-key=sk-demo", "spring.ai.kvasir.chat.model=stories260K",
                    "spring.ai.kvasir.chat.max-tokens=12", "spring.ai.kvasir.chat.top-k=40");

    @AfterEach
    void stopGateway() {
        gateway.close();
    }

    @Test
    void aCallSendsTheMergedOptionsAndReportsCachedPromptTokens() {
        gateway.then(json(completion("there was a cat", "stop", 30, 16, 4)));

        runner.run(context -> {
            ChatResponse response = context.getBean(KvasirChatModel.class)
                    .call(new Prompt("Once upon a time", KvasirChatOptions.builder().temperature(0.0).build()));

            assertThat(response.getResult().getOutput().getText()).isEqualTo("there was a cat");
            assertThat(response.getResult().getMetadata().getFinishReason()).isEqualTo("STOP");
            assertThat(response.getMetadata().getUsage().getCacheReadInputTokens()).isEqualTo(16L);
            JsonNode sent = OpenAiWire.MAPPER.readTree(gateway.received().getFirst().body());
            assertThat(sent.get("max_tokens").asInt()).isEqualTo(12);
            assertThat(sent.get("top_k").asInt()).isEqualTo(40);
            assertThat(sent.get("temperature").asDouble()).isEqualTo(0.0);
            assertThat(gateway.received().getFirst().authorization()).isEqualTo("Bearer sk-demo");
        });
    }

    @Test
    void aStreamArrivesChunkByChunkAndEndsWithUsage() {
        gateway.then(sse(chunk(null, null), chunk("there", null), chunk(" was", null), chunk("", "length"),
                usageChunk(30, 16, 2), "[DONE]"));

        runner.run(context -> {
            List<ChatResponse> chunks = context.getBean(KvasirChatModel.class).stream(new Prompt("Once upon a time"))
                    .collectList().block();

            assertThat(chunks).extracting(c -> c.getResult().getOutput().getText()).containsExactly("there", " was", "");
            assertThat(chunks.getLast().getResult().getMetadata().getFinishReason()).isEqualTo("LENGTH");
            assertThat(chunks.getLast().getMetadata().getUsage().getPromptTokens()).isEqualTo(30);
            assertThat(chunks.getLast().getMetadata().getUsage().getCacheReadInputTokens()).isEqualTo(16L);
        });
    }
}
