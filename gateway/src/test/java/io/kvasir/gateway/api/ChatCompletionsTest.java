package io.kvasir.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvasir.gateway.testing.GatewayTestBase;
import io.kvasir.gateway.testing.Http;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The API's documents over plain HTTP: choices, finish reasons, usage with cached tokens, stop strings, tokenizing. */
class ChatCompletionsTest extends GatewayTestBase {

    @Test
    void streamedChunksAddUpToTheNonStreamedCompletion() {
        String request = "{\"model\":\"stories260K\",\"messages\":[{\"role\":\"system\",\"content\":\"Tell stories.\"},"
                + "{\"role\":\"user\",\"content\":\"Once upon a time\"}],\"max_tokens\":20,\"temperature\":0";
        JsonNode whole = http().post("/v1/chat/completions", request + "}").json();
        assertThat(whole.get("object").asString()).isEqualTo("chat.completion");
        assertThat(whole.get("id").asString()).startsWith("chatcmpl-");
        JsonNode choice = whole.get("choices").get(0);
        assertThat(choice.get("finish_reason").asString()).isEqualTo("length");
        assertThat(choice.get("message").get("role").asString()).isEqualTo("assistant");
        JsonNode usage = whole.get("usage");
        assertThat(usage.get("completion_tokens").asInt()).isEqualTo(20);
        assertThat(usage.get("total_tokens").asInt()).isEqualTo(usage.get("prompt_tokens").asInt() + 20);

        List<String> events = http().post("/v1/chat/completions", request
                + ",\"stream\":true,\"stream_options\":{\"include_usage\":true}}").dataEvents();
        assertThat(events.getLast()).isEqualTo("[DONE]");
        StringBuilder text = new StringBuilder();
        String finish = null;
        for (String event : events.subList(0, events.size() - 2)) {
            JsonNode chunk = Http.JSON.readTree(event);
            assertThat(chunk.get("object").asString()).isEqualTo("chat.completion.chunk");
            JsonNode delta = chunk.get("choices").get(0).get("delta");
            if (delta.has("content")) {
                text.append(delta.get("content").asString());
            }
            if (!chunk.get("choices").get(0).get("finish_reason").isNull()) {
                finish = chunk.get("choices").get(0).get("finish_reason").asString();
            }
        }
        assertThat(Http.JSON.readTree(events.getFirst()).get("choices").get(0).get("delta").get("role").asString())
                .isEqualTo("assistant");
        assertThat(text.toString()).isEqualTo(choice.get("message").get("content").asString());
        assertThat(finish).isEqualTo("length");
        JsonNode usageChunk = Http.JSON.readTree(events.get(events.size() - 2));
        assertThat(usageChunk.get("choices")).isEmpty();
        // the same prompt again: its full blocks come from the prefix cache
        assertThat(usageChunk.get("usage").get("prompt_tokens_details").get("cached_tokens").asInt()).isPositive();
    }

    @Test
    void severalChoicesEachFinishAndUsageCountsThePromptOnce() {
        JsonNode whole = http().post("/v1/chat/completions", "{\"model\":\"stories260K\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"Tom and Lily\"}],\"max_tokens\":6,\"n\":3,\"seed\":5,\"temperature\":1}").json();
        assertThat(whole.get("choices")).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(whole.get("choices").get(i).get("index").asInt()).isEqualTo(i);
        }
        int prompt = whole.get("usage").get("prompt_tokens").asInt();
        assertThat(prompt).isLessThan(100);
        assertThat(whole.get("usage").get("completion_tokens").asInt()).isEqualTo(18);
    }

    @Test
    void stopStringEndsTheChoiceWithStopAndIsNotReturned() {
        String greedy = http().post("/v1/completions", "{\"model\":\"stories260K\",\"prompt\":\"Once upon a time\","
                + "\"max_tokens\":30,\"temperature\":0}").json().get("choices").get(0).get("text").asString();
        String stop = greedy.substring(8, 11);
        JsonNode choice = http().post("/v1/completions", "{\"model\":\"stories260K\",\"prompt\":\"Once upon a time\","
                + "\"max_tokens\":30,\"temperature\":0,\"stop\":[\"" + stop + "\"]}").json().get("choices").get(0);
        assertThat(choice.get("finish_reason").asString()).isEqualTo("stop");
        assertThat(choice.get("text").asString()).isEqualTo(greedy.substring(0, greedy.indexOf(stop)));
    }

    @Test
    void completionsTakeTokenIdsAndSeveralPromptsWithLogprobs() {
        int[] ids = engine(STORIES).tokenize("Once upon a time", true);
        String tokens = java.util.Arrays.toString(ids);
        JsonNode whole = http().post("/v1/completions", "{\"model\":\"stories260K\",\"prompt\":[" + tokens + ",\"Lily\"],"
                + "\"max_tokens\":4,\"temperature\":0,\"logprobs\":2}").json();
        assertThat(whole.get("choices")).hasSize(2);
        JsonNode logprobs = whole.get("choices").get(0).get("logprobs");
        assertThat(logprobs.get("tokens")).hasSize(4);
        assertThat(logprobs.get("token_logprobs")).hasSize(4);
        assertThat(logprobs.get("top_logprobs").get(0).size()).isBetween(1, 2);
        assertThat(logprobs.get("text_offset").get(0).asInt()).isZero();
        assertThat(whole.get("usage").get("prompt_tokens").asInt()).isEqualTo(ids.length
                + engine(STORIES).tokenize("Lily", true).length);
    }

    @Test
    void tokenizeAndDetokenizeRoundTrip() {
        JsonNode tokenized = http().post("/tokenize", "{\"model\":\"stories260K\",\"prompt\":\"Lily had a red ball\"}").json();
        assertThat(tokenized.get("count").asInt()).isEqualTo(tokenized.get("tokens").size());
        assertThat(tokenized.get("max_model_len").asInt()).isEqualTo(engine(STORIES).info().contextLength());
        StringBuilder ids = new StringBuilder();
        tokenized.get("tokens").forEach(t -> ids.append(ids.isEmpty() ? "" : ",").append(t.asInt()));
        JsonNode text = http().post("/detokenize", "{\"model\":\"stories260K\",\"tokens\":[" + ids + "]}").json();
        assertThat(text.get("prompt").asString()).contains("Lily had a red ball");
        JsonNode chat = http().post("/tokenize", "{\"model\":\"stories260K\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"hi\"}]}").json();
        assertThat(chat.get("count").asInt()).isGreaterThan(2);
        assertThat(http().post("/detokenize", "{\"model\":\"stories260K\",\"tokens\":[1,-1]}").status()).isEqualTo(400);
    }

    @Test
    void modelsAreListedWithTheirContextLength() {
        JsonNode models = http().get("/v1/models").json();
        assertThat(models.get("object").asString()).isEqualTo("list");
        JsonNode stories = http().get("/v1/models/stories260K").json();
        assertThat(stories.get("object").asString()).isEqualTo("model");
        assertThat(stories.get("max_model_len").asInt()).isEqualTo(engine(STORIES).info().contextLength());
    }
}
