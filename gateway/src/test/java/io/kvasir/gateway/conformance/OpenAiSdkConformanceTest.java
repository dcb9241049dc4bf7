package io.kvasir.gateway.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.models.Model;
import io.kvasir.api.SamplingParams;
import io.kvasir.gateway.testing.DirectOutput;
import io.kvasir.gateway.testing.GatewayTestBase;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The official OpenAI Java SDK talks to the running gateway, streaming and not, and gets exactly the text the
 * engine generates directly for the same prompt and sampling (greedy, and seeded sampling).
 */
class OpenAiSdkConformanceTest extends GatewayTestBase {

    private static final String PROMPT = "Once upon a time";

    private OpenAIClient client;

    @BeforeEach
    void client() {
        client = OpenAIOkHttpClient.builder().baseUrl(baseUrl() + "/v1").apiKey(DEMO_KEY).maxRetries(0).build();
    }

    @Test
    void listsTheServedModels() {
        List<String> ids = client.models().list().data().stream().map(Model::id).toList();
        assertThat(ids).contains(STORIES, EMBEDDED);
    }

    @Test
    void greedyChatCompletionMatchesTheEngineStreamingAndNot() {
        String expected = DirectOutput.chat(engine(STORIES), PROMPT, SamplingParams.builder().temperature(0).maxTokens(30).build());
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model(STORIES).addUserMessage(PROMPT)
                .temperature(0.0).maxCompletionTokens(30).build();

        ChatCompletion completion = client.chat().completions().create(params);
        assertThat(completion.choices()).hasSize(1);
        assertThat(completion.choices().getFirst().message().content()).hasValue(expected);
        assertThat(completion.choices().getFirst().finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.LENGTH);
        assertThat(completion.usage()).hasValueSatisfying(usage -> {
            assertThat(usage.completionTokens()).isEqualTo(30);
            assertThat(usage.promptTokens()).isEqualTo(engine(STORIES).chatPrompt(
                    List.of(io.kvasir.engine.chat.ChatMessage.user(PROMPT))).length);
            assertThat(usage.promptTokensDetails()).isPresent();
        });

        StringBuilder streamed = new StringBuilder();
        long[] usageTokens = {-1};
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params.toBuilder()
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            stream.stream().forEach(chunk -> {
                chunk.choices().forEach(choice -> choice.delta().content().ifPresent(streamed::append));
                chunk.usage().ifPresent(usage -> usageTokens[0] = usage.completionTokens());
            });
        }
        assertThat(streamed.toString()).isEqualTo(expected);
        assertThat(usageTokens[0]).isEqualTo(30);
    }

    @Test
    void seededSamplingMatchesTheEngine() {
        SamplingParams sampling = SamplingParams.builder().temperature(0.9).topP(0.95).seed(1234L).maxTokens(25).build();
        String expected = DirectOutput.chat(engine(STORIES), PROMPT, sampling);
        ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model(STORIES).addUserMessage(PROMPT).temperature(0.9).topP(0.95).seed(1234L).maxCompletionTokens(25).build());
        assertThat(completion.choices().getFirst().message().content()).hasValue(expected);
    }

    @Test
    void completionsMatchTheEngineStreamingAndNotOnBothModels() {
        for (String model : List.of(STORIES, EMBEDDED)) {
            String expected = DirectOutput.completion(engine(model), PROMPT,
                    SamplingParams.builder().temperature(0).maxTokens(20).build());
            CompletionCreateParams params = CompletionCreateParams.builder().model(model).prompt(PROMPT)
                    .temperature(0.0).maxTokens(20).build();
            Completion completion = client.completions().create(params);
            assertThat(completion.choices().getFirst().text()).isEqualTo(expected);

            StringBuilder streamed = new StringBuilder();
            try (StreamResponse<Completion> stream = client.completions().createStreaming(params)) {
                stream.stream().forEach(chunk -> chunk.choices().forEach(choice -> streamed.append(choice.text())));
            }
            assertThat(streamed.toString()).isEqualTo(expected);
        }
    }

    @Test
    void severalChoicesAndLogprobsParse() {
        ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model(STORIES).addUserMessage(PROMPT).n(3).seed(7L).maxCompletionTokens(5).logprobs(true).topLogprobs(2)
                .build());
        assertThat(completion.choices()).hasSize(3).extracting(c -> (int) c.index()).containsExactly(0, 1, 2);
        ChatCompletion.Choice first = completion.choices().getFirst();
        assertThat(first.logprobs()).hasValueSatisfying(logprobs -> assertThat(logprobs.content()).hasValueSatisfying(
                entries -> {
                    assertThat(entries).hasSize(5);
                    assertThat(entries.getFirst().topLogprobs()).hasSize(2);
                    assertThat(entries.getFirst().logprob()).isLessThanOrEqualTo(0.0);
                }));
    }
}
