package io.kvasir.gateway.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvasir.api.SamplingParams;
import io.kvasir.gateway.testing.DirectOutput;
import io.kvasir.gateway.testing.GatewayTestBase;
import java.time.Duration;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;

/** Spring AI's OpenAI chat model talks to the running gateway and gets the engine's own greedy text. */
class SpringAiConformanceTest extends GatewayTestBase {

    private static final String PROMPT = "Once upon a time";

    private OpenAiChatModel chatModel() {
        return OpenAiChatModel.builder().options(OpenAiChatOptions.builder()
                .baseUrl(baseUrl() + "/v1").apiKey(DEMO_KEY).model(STORIES).temperature(0.0).maxTokens(24).build())
                .build();
    }

    @Test
    void callAndStreamReturnTheEnginesText() {
        String expected = DirectOutput.chat(engine(STORIES), PROMPT, SamplingParams.builder().temperature(0).maxTokens(24).build());
        OpenAiChatModel model = chatModel();

        ChatResponse response = model.call(new Prompt(PROMPT));
        assertThat(response.getResult().getOutput().getText()).isEqualTo(expected);
        assertThat(response.getMetadata().getUsage().getCompletionTokens()).isEqualTo(24);

        String streamed = model.stream(new Prompt(PROMPT))
                .mapNotNull(r -> r.getResult() == null ? null : r.getResult().getOutput().getText())
                .collect(Collectors.joining())
                .block(Duration.ofSeconds(60));
        assertThat(streamed).isEqualTo(expected);
    }
}
