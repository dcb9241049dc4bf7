package io.kvasir.gateway.api;

import static io.kvasir.gateway.testing.ApiAssertions.assertApiError;
import static io.kvasir.gateway.testing.TestModels.ScriptedEngine.finished;
import static io.kvasir.gateway.testing.TestModels.ScriptedEngine.token;
import static org.assertj.core.api.Assertions.assertThat;

import io.kvasir.api.InvalidRequestException;
import io.kvasir.engine.loop.EngineOverloadedException;
import io.kvasir.gateway.engine.GenerationEvent;
import io.kvasir.gateway.testing.GatewayTestBase;
import io.kvasir.gateway.testing.Http;
import io.kvasir.gateway.testing.TestModels;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;

/**
 * How streams behave around the engine: refusals before the first token keep their status (RELIABILITY.md item
 * 13), failures after it end the stream with an error event, quiet streams get heartbeats (item 20), and text
 * that is not valid Unicode on its own never kills a stream (item 11).
 */
class StreamingBehaviourTest extends GatewayTestBase {

    @Autowired
    TestModels.ScriptedEngine scripted;

    @Autowired
    TestModels.ForcedEngine forced;

    private Http.Response chat(String model, boolean stream) {
        return http().post("/v1/chat/completions", "{\"model\":\"" + model + "\",\"max_tokens\":8,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":" + stream + "}");
    }

    @Test
    void engineRefusalBeforeTheFirstTokenGetsItsOwnStatusStreamingOrNot() {
        scripted.script(request -> Flux.error(new EngineOverloadedException("queue full")));
        for (boolean stream : new boolean[] {true, false}) {
            Http.Response response = chat("scripted", stream);
            assertApiError(response, 429, null, "engine_overloaded");
            assertThat(response.headers().firstValue("retry-after")).hasValue("1");
        }
        scripted.script(request -> Flux.error(new InvalidRequestException("messages", "too long for this model")));
        for (boolean stream : new boolean[] {true, false}) {
            assertApiError(chat("scripted", stream), 400, "messages", null);
        }
        awaitAdmissionIdle();
    }

    @Test
    void engineFailureAfterTheFirstTokenEndsTheStreamWithAnErrorEvent() {
        scripted.script(request -> Flux.<GenerationEvent>just(new GenerationEvent.Queued(request.requestId()), token(1, "Hel"))
                .concatWith(Flux.error(new IllegalStateException("device lost"))));
        Http.Response stream = chat("scripted", true);
        assertThat(stream.status()).isEqualTo(200);
        List<String> events = stream.dataEvents();
        assertThat(events.getFirst()).contains("\"content\":\"Hel\"");
        JsonNode error = Http.JSON.readTree(events.get(events.size() - 2)).get("error");
        assertThat(error.get("type").asString()).isEqualTo("server_error");
        assertThat(error.get("message").asString()).doesNotContain("device lost");
        assertThat(events.getLast()).isEqualTo("[DONE]");
        assertApiError(chat("scripted", false), 500, null, "internal_error");
    }

    @Test
    void quietStreamGetsHeartbeatCommentsAndStillItsTokens() {
        scripted.script(request -> Flux.<GenerationEvent>just(new GenerationEvent.Queued(request.requestId()))
                .concatWith(Flux.just(token(1, "late"), finished(request, 1)).delaySubscription(Duration.ofMillis(900))));
        Http.Response response = chat("scripted", true);
        assertThat(response.status()).isEqualTo(200);
        String body = response.body();
        assertThat(body.indexOf(": keep-alive\n\n")).isNotNegative().isLessThan(body.indexOf("data: "));
        assertThat(response.dataEvents()).hasSize(3).last().isEqualTo("[DONE]");
        assertThat(response.dataEvents().getFirst()).contains("\"content\":\"late\"");
    }

    @Test
    void loneSurrogatesInEngineTextBecomeReplacementCharacters() {
        scripted.script(request -> Flux.just(new GenerationEvent.Queued(request.requestId()), token(1, "a\uDC00"),
                token(2, ""), token(3, "\uD800b"), finished(request, 3)));
        List<String> events = chat("scripted", true).dataEvents();
        assertThat(String.join("", events)).contains("a\uFFFD").contains("\uFFFDb");
        assertThat(events.getLast()).isEqualTo("[DONE]");
        JsonNode message = chat("scripted", false).json().get("choices").get(0).get("message");
        assertThat(message.get("content").asString()).isEqualTo("a\uFFFD\uFFFDb");
    }

    @Test
    void bytesThatAreNotUtf8OnTheirOwnAreCarriedOnceCompleteOrReplaced() {
        int c3 = byteToken(0xC3);
        int a9 = byteToken(0xA9);
        int ff = byteToken(0xFF);
        int x = tokenWithBytes("x".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        // é split over two byte tokens, then a byte that is never valid UTF-8, then a plain token
        forced.force(c3, a9, ff, x);
        Http http = http();
        Http.Response stream = http.post("/v1/completions",
                "{\"model\":\"forced\",\"prompt\":\"Once\",\"max_tokens\":4,\"stream\":true}");
        assertThat(stream.status()).isEqualTo(200);
        StringBuilder text = new StringBuilder();
        for (String event : stream.dataEvents()) {
            if (!event.equals("[DONE]")) {
                text.append(Http.JSON.readTree(event).get("choices").get(0).get("text").asString());
            }
        }
        assertThat(text.toString()).isEqualTo("é\uFFFDx");
        assertThat(stream.dataEvents().getLast()).isEqualTo("[DONE]");
        Http.Response whole = http.post("/v1/completions", "{\"model\":\"forced\",\"prompt\":\"Once\",\"max_tokens\":4}");
        assertThat(whole.json().get("choices").get(0).get("text").asString()).isEqualTo("é\uFFFDx");
    }

    private int byteToken(int value) {
        return tokenWithBytes(new byte[] {(byte) value});
    }

    private int tokenWithBytes(byte[] wanted) {
        for (int id = 0; id < forced.info().vocabSize(); id++) {
            if (java.util.Arrays.equals(forced.tokenBytes(id), wanted)) {
                return id;
            }
        }
        throw new AssertionError("stories260K has no token of bytes " + java.util.Arrays.toString(wanted));
    }
}
