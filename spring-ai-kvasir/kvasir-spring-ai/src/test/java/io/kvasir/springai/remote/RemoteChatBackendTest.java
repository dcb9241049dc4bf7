package io.kvasir.springai.remote;

import static io.kvasir.springai.remote.CannedGateway.chunk;
import static io.kvasir.springai.remote.CannedGateway.completion;
import static io.kvasir.springai.remote.CannedGateway.error;
import static io.kvasir.springai.remote.CannedGateway.json;
import static io.kvasir.springai.remote.CannedGateway.sse;
import static io.kvasir.springai.remote.CannedGateway.sseThenDrop;
import static io.kvasir.springai.remote.CannedGateway.sseThenSilence;
import static io.kvasir.springai.remote.CannedGateway.usageChunk;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.web.reactive.function.client.WebClient;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.kvasir.springai.KvasirChatChunk;
import io.kvasir.springai.KvasirChatOptions;
import io.kvasir.springai.KvasirChatRequest;
import io.kvasir.springai.KvasirMessage;
import io.kvasir.springai.KvasirUsage;
import reactor.netty.http.client.PrematureCloseException;
import tools.jackson.databind.JsonNode;

/** The remote client against a real HTTP server speaking the OpenAI wire format. */
class RemoteChatBackendTest {

    private static final KvasirChatRequest REQUEST = new KvasirChatRequest(
            List.of(new KvasirMessage("system", "Be brief."), new KvasirMessage("user", "Hi")),
            KvasirChatOptions.builder().model("stories260K").build());

    private final CannedGateway gateway = new CannedGateway();
    private final CircuitBreaker circuitBreaker = CircuitBreaker.of("test", GatewayResilience.circuitBreakerConfig()
            .slidingWindowSize(4).minimumNumberOfCalls(4).failureRateThreshold(50)
            .waitDurationInOpenState(Duration.ofMinutes(1)).build());
    private final RemoteChatBackend backend = backend(gateway.baseUrl());

    private RemoteChatBackend backend(String baseUrl) {
        return new RemoteChatBackend(WebClient.builder().baseUrl(baseUrl).build(), "sk-tenant", null,
                GatewayResilience.retry("test", 3, Duration.ofMillis(1), 2.0, Duration.ofMillis(20)), circuitBreaker);
    }

    @AfterEach
    void stopGateway() {
        gateway.close();
    }

    @Test
    void sendsTheOpenAiRequestWithKvasirsExtrasAndTheBearerKey() {
        gateway.then(json(completion("Hello", "stop", 10, 0, 1)));
        KvasirChatOptions options = KvasirChatOptions.builder().model("stories260K").temperature(0.2).topP(0.9).topK(40)
                .minP(0.05).maxTokens(16).stopSequences(List.of("\n")).seed(7L).presencePenalty(0.1)
                .frequencyPenalty(0.2).repetitionPenalty(1.1).priority(3).ignoreEos(true).build();

        backend.complete(new KvasirChatRequest(REQUEST.messages(), options)).block();

        CannedGateway.Received received = gateway.received().getFirst();
        assertThat(received.authorization()).isEqualTo("Bearer sk-tenant");
        JsonNode body = OpenAiWire.MAPPER.readTree(received.body());
        assertThat(body.get("model").asString()).isEqualTo("stories260K");
        assertThat(body.get("stream").asBoolean()).isFalse();
        assertThat(body.has("stream_options")).isFalse();
        assertThat(body.get("messages").get(0).get("role").asString()).isEqualTo("system");
        assertThat(body.get("messages").get(1).get("content").asString()).isEqualTo("Hi");
        assertThat(body.get("temperature").asDouble()).isEqualTo(0.2);
        assertThat(body.get("top_p").asDouble()).isEqualTo(0.9);
        assertThat(body.get("top_k").asInt()).isEqualTo(40);
        assertThat(body.get("min_p").asDouble()).isEqualTo(0.05);
        assertThat(body.get("max_tokens").asInt()).isEqualTo(16);
        assertThat(body.get("stop").get(0).asString()).isEqualTo("\n");
        assertThat(body.get("seed").asLong()).isEqualTo(7L);
        assertThat(body.get("presence_penalty").asDouble()).isEqualTo(0.1);
        assertThat(body.get("frequency_penalty").asDouble()).isEqualTo(0.2);
        assertThat(body.get("repetition_penalty").asDouble()).isEqualTo(1.1);
        assertThat(body.get("priority").asInt()).isEqualTo(3);
        assertThat(body.get("ignore_eos").asBoolean()).isTrue();
    }

    @Test
    void optionsLeftUnsetAreLeftOutOfTheRequest() {
        gateway.then(sse(chunk("x", "stop"), usageChunk(3, 0, 1), "[DONE]"));

        backend.stream(REQUEST).blockLast();

        JsonNode body = OpenAiWire.MAPPER.readTree(gateway.received().getFirst().body());
        assertThat(body.propertyNames()).containsExactlyInAnyOrder("model", "messages", "stream", "stream_options");
        assertThat(body.get("stream_options").get("include_usage").asBoolean()).isTrue();
    }

    @Test
    void aCompletionBecomesOneFinalChunkWithCachedTokens() {
        gateway.then(json(completion("Once upon a time", "length", 40, 32, 4)));

        KvasirChatChunk whole = backend.complete(REQUEST).block();

        assertThat(whole).isEqualTo(new KvasirChatChunk("chatcmpl-9", "stories260K", "Once upon a time",
                KvasirChatChunk.FINISH_LENGTH, new KvasirUsage(40, 32, 4)));
    }

    @Test
    void aStreamDeliversTextChunksThenOneFinalChunkSkippingHeartbeats() {
        gateway.then(sse(chunk(null, null), chunk("Once", null), ": keep-alive", chunk(" upon", null),
                chunk("", "stop"), usageChunk(20, 16, 2), "[DONE]"));

        List<KvasirChatChunk> chunks = backend.stream(REQUEST).collectList().block();

        assertThat(chunks).containsExactly(KvasirChatChunk.text("chatcmpl-7", "stories260K", "Once"),
                KvasirChatChunk.text("chatcmpl-7", "stories260K", " upon"),
                new KvasirChatChunk("chatcmpl-7", "stories260K", "", KvasirChatChunk.FINISH_STOP, new KvasirUsage(20, 16, 2)));
    }

    @Test
    void aStreamThatEndsBeforeDoneFails() {
        gateway.then(sse(chunk("Once", null), chunk("", "stop"), usageChunk(20, 0, 1)));

        assertThatThrownBy(() -> backend.stream(REQUEST).blockLast()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ended early").hasMessageContaining("[DONE]");
    }

    @Test
    void anErrorStatusCarriesTheGatewaysErrorAndIsNotRetried() {
        gateway.then(json(400, error("max_tokens must be at least 1, got 0", "invalid_request_error", "max_tokens", null),
                Map.of()));

        assertThatThrownBy(() -> backend.complete(REQUEST).block()).isInstanceOfSatisfying(KvasirRemoteException.class, e -> {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.type()).isEqualTo("invalid_request_error");
            assertThat(e.param()).isEqualTo("max_tokens");
            assertThat(e.getMessage()).contains("400").contains("max_tokens must be at least 1, got 0");
        });
        assertThat(gateway.received()).hasSize(1);
    }

    @Test
    void anErrorBeforeTheFirstTokenOfAStreamIsAnErrorNotAnEmptyStream() {
        gateway.then(json(404, error("model 'x' not found", "invalid_request_error", "model", "model_not_found"), Map.of()));

        assertThatThrownBy(() -> backend.stream(REQUEST).blockLast())
                .isInstanceOfSatisfying(KvasirRemoteException.class, e -> assertThat(e.code()).isEqualTo("model_not_found"));
    }

    @Test
    void overloadBeforeAnyBodyIsRetriedHonouringRetryAfter() {
        gateway.then(json(429, error("queue full", "rate_limit_error", null, null), Map.of("Retry-After", "0")),
                json(503, error("draining", "server_error", null, null), Map.of()),
                sse(chunk("Hi", null), chunk("", "stop"), usageChunk(5, 0, 1), "[DONE]"));

        List<KvasirChatChunk> chunks = backend.stream(REQUEST).collectList().block();

        assertThat(chunks).hasSize(2);
        assertThat(gateway.received()).hasSize(3);
    }

    @Test
    void overloadThatPersistsFailsAfterTheLastAttempt() {
        for (int i = 0; i < 3; i++) {
            gateway.then(json(503, error("draining", "server_error", null, null), Map.of()));
        }

        assertThatThrownBy(() -> backend.complete(REQUEST).block())
                .isInstanceOfSatisfying(KvasirRemoteException.class, e -> assertThat(e.status()).isEqualTo(503));
        assertThat(gateway.received()).hasSize(3);
    }

    @Test
    void aRefusedConnectionIsRetriedThenReported() {
        String closedPort;
        try (CannedGateway gone = new CannedGateway()) {
            closedPort = gone.baseUrl();
        }
        RemoteChatBackend unreachable = backend(closedPort);

        assertThatThrownBy(() -> unreachable.complete(REQUEST).block()).hasRootCauseInstanceOf(ConnectException.class);
        assertThat(unreachable.retry().getMetrics().getNumberOfFailedCallsWithRetryAttempt()).isEqualTo(1);
    }

    @Test
    void aStreamCutOffMidwayFailsAndIsNotSentAgain() {
        gateway.then(sseThenDrop(chunk("Once", null), chunk(" upon", null)));

        List<KvasirChatChunk> delivered = new CopyOnWriteArrayList<>();

        assertThatThrownBy(() -> backend.stream(REQUEST).doOnNext(delivered::add).blockLast())
                .rootCause().isInstanceOf(PrematureCloseException.class);
        assertThat(delivered).extracting(KvasirChatChunk::text).containsExactly("Once", " upon");
        assertThat(gateway.received()).hasSize(1);
    }

    @Test
    void anErrorEventInAnAcceptedStreamFailsWithTheGatewaysMessage() {
        gateway.then(sse(chunk("Once", null), error("engine failed", "server_error", null, null)));

        assertThatThrownBy(() -> backend.stream(REQUEST).blockLast())
                .isInstanceOfSatisfying(KvasirRemoteException.class, e -> {
                    assertThat(e.status()).isEqualTo(200);
                    assertThat(e.getMessage()).contains("ended the stream with an error").contains("engine failed");
                });
        assertThat(gateway.received()).hasSize(1);
    }

    @Test
    void disposingAStreamClosesItsConnection() throws Exception {
        gateway.then(sseThenSilence(chunk("Once", null)));

        List<KvasirChatChunk> first = backend.stream(REQUEST).take(1).collectList().block();

        assertThat(first).extracting(KvasirChatChunk::text).containsExactly("Once");
        assertThat(gateway.connectionClosed().await(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void theCircuitOpensAfterServerFaultsAndThenCallsNoMore() {
        for (int i = 0; i < 4; i++) {
            gateway.then(json(500, error("boom", "server_error", null, null), Map.of()));
        }
        for (int i = 0; i < 4; i++) {
            assertThatThrownBy(() -> backend.complete(REQUEST).block()).isInstanceOf(KvasirRemoteException.class);
        }

        assertThatThrownBy(() -> backend.stream(REQUEST).blockLast()).isInstanceOf(CallNotPermittedException.class);
        assertThat(circuitBreaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(gateway.received()).hasSize(4);
    }

    @Test
    void clientErrorsDoNotOpenTheCircuit() {
        for (int i = 0; i < 4; i++) {
            gateway.then(json(400, error("bad", "invalid_request_error", "temperature", null), Map.of()));
        }
        for (int i = 0; i < 4; i++) {
            assertThatThrownBy(() -> backend.complete(REQUEST).block()).isInstanceOf(KvasirRemoteException.class);
        }

        assertThat(circuitBreaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(circuitBreaker.getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(4);
    }

    @Test
    void aRequestWithoutAModelIsRefusedBeforeAnyHttpCall() {
        KvasirChatRequest noModel = new KvasirChatRequest(REQUEST.messages(), KvasirChatOptions.builder().build());

        assertThatThrownBy(() -> backend.stream(noModel).blockLast()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("model");
        assertThat(gateway.received()).isEmpty();
    }
}
