package io.kvasir.ops.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

/** The HTTP client against {@link FakeOpenAiServer}: what it sends, and how it records every way a stream ends. */
class OpenAiHttpTargetTest {

    private FakeOpenAiServer server;

    @BeforeEach
    void startServer() throws Exception {
        server = FakeOpenAiServer.start("sk-a", FakeOpenAiServer.LIMITED_KEY);
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    private OpenAiHttpTarget target(String model, OpenAiHttpTarget.Endpoint endpoint, Duration timeout) {
        return new OpenAiHttpTarget(server.baseUrl(), model, endpoint, 0.0, timeout);
    }

    private static TenantSpec tenant(String key) {
        return new TenantSpec("t", key, new TenantSpec.Users(1));
    }

    @Test
    void aChatRequestStreamsEveryTokenAndAsksForUsageWithAFixedOutputLength() {
        try (OpenAiHttpTarget target = target(FakeOpenAiServer.MODEL, OpenAiHttpTarget.Endpoint.CHAT, Duration.ofSeconds(30))) {
            RequestRecord record = target.send(new PlannedRequest(3, "Be brief.", "Tell me a story", 5), tenant("sk-a"))
                    .completion().join();

            assertThat(record.outcome()).isEqualTo(RequestRecord.OK);
            assertThat(record.tenantIndex()).isEqualTo(3);
            assertThat(record.numTextChunks()).isEqualTo(5);
            assertThat(record.chunkGapsNanos()).hasSize(4);
            assertThat(record.outputTokens()).isEqualTo(5);
            assertThat(record.promptTokens()).as("words of both messages").isEqualTo(6);
            assertThat(record.hasFirstToken()).isTrue();
            assertThat(record.ttftNanos()).isLessThanOrEqualTo(record.latencyNanos());

            JsonNode body = server.bodies().getFirst();
            assertThat(body.path("model").asString()).isEqualTo(FakeOpenAiServer.MODEL);
            assertThat(body.path("stream").asBoolean()).isTrue();
            assertThat(body.path("stream_options").path("include_usage").asBoolean()).isTrue();
            assertThat(body.path("ignore_eos").asBoolean()).isTrue();
            assertThat(body.path("max_tokens").asInt()).isEqualTo(5);
            assertThat(body.path("temperature").asDouble()).isZero();
            assertThat(body.path("messages").get(0).path("role").asString()).isEqualTo("system");
            assertThat(body.path("messages").get(0).path("content").asString()).isEqualTo("Be brief.");
            assertThat(body.path("messages").get(1).path("content").asString()).isEqualTo("Tell me a story");
            assertThat(server.authorizations()).containsExactly("Bearer sk-a");
        }
    }

    @Test
    void aCompletionRequestSendsThePromptWithTheSystemPromptInFront() {
        try (OpenAiHttpTarget target = target(FakeOpenAiServer.MODEL, OpenAiHttpTarget.Endpoint.COMPLETIONS, Duration.ofSeconds(30))) {
            RequestRecord record = target.send(new PlannedRequest(0, "Context.", "Once upon", 3), tenant("sk-a"))
                    .completion().join();
            assertThat(record.succeeded()).isTrue();
            assertThat(record.numOutputTokens()).isEqualTo(3);
            assertThat(server.bodies().getFirst().path("prompt").asString()).isEqualTo("Context.\n\nOnce upon");
            assertThat(server.bodies().getFirst().has("messages")).isFalse();
        }
    }

    @Test
    void httpErrorsAreRecordedByStatusWithTheServersMessage() {
        try (OpenAiHttpTarget target = target(FakeOpenAiServer.MODEL, OpenAiHttpTarget.Endpoint.CHAT, Duration.ofSeconds(30))) {
            PlannedRequest request = new PlannedRequest(0, null, "hi", 2);
            RequestRecord unauthorised = target.send(request, tenant("sk-wrong")).completion().join();
            assertThat(unauthorised.outcome()).isEqualTo("http_401");
            assertThat(unauthorised.errorMessage()).isEqualTo("Incorrect API key provided");
            RequestRecord limited = target.send(request, tenant(FakeOpenAiServer.LIMITED_KEY)).completion().join();
            assertThat(limited.outcome()).isEqualTo("http_429");
            RequestRecord noKey = target.send(request, tenant("")).completion().join();
            assertThat(noKey.outcome()).isEqualTo("http_401");
            assertThat(server.authorizations()).last().isEqualTo("");
        }
        try (OpenAiHttpTarget target = target("no-such-model", OpenAiHttpTarget.Endpoint.CHAT, Duration.ofSeconds(30))) {
            RequestRecord unknown = target.send(new PlannedRequest(0, null, "hi", 2), tenant("sk-a")).completion().join();
            assertThat(unknown.outcome()).isEqualTo("http_404");
            assertThat(unknown.errorMessage()).contains("no-such-model");
        }
    }

    @Test
    void aStreamThatEndsWithoutDoneOrCarriesAnErrorFails() {
        try (OpenAiHttpTarget truncating = target(FakeOpenAiServer.TRUNCATING_MODEL, OpenAiHttpTarget.Endpoint.CHAT, Duration.ofSeconds(30));
                OpenAiHttpTarget failing = target(FakeOpenAiServer.ERROR_MODEL, OpenAiHttpTarget.Endpoint.COMPLETIONS, Duration.ofSeconds(30))) {
            PlannedRequest request = new PlannedRequest(0, null, "hi", 4);
            RequestRecord incomplete = truncating.send(request, tenant("sk-a")).completion().join();
            assertThat(incomplete.outcome()).isEqualTo(CompletionStream.INCOMPLETE);
            assertThat(incomplete.numTextChunks()).isEqualTo(1);
            RequestRecord error = failing.send(request, tenant("sk-a")).completion().join();
            assertThat(error.outcome()).isEqualTo(CompletionStream.STREAM_ERROR);
            assertThat(error.errorMessage()).isEqualTo("the engine stopped");
        }
    }

    @Test
    void aRequestWithoutAnswerTimesOutAndOneThatIsHeldCanBeCancelled() throws Exception {
        try (OpenAiHttpTarget silent = target(FakeOpenAiServer.NO_HEADERS_MODEL, OpenAiHttpTarget.Endpoint.CHAT, Duration.ofMillis(300));
                OpenAiHttpTarget held = target(FakeOpenAiServer.HOLD_MODEL, OpenAiHttpTarget.Endpoint.CHAT, Duration.ofSeconds(60))) {
            PlannedRequest request = new PlannedRequest(0, null, "hi", 4);
            InFlight waiting = silent.send(request, tenant("sk-a"));
            assertThat(waiting.completion().join().outcome()).isEqualTo("timeout");
            assertThat(waiting.state()).isEqualTo(InFlight.State.ENDED);

            InFlight open = held.send(request, tenant("sk-a"));
            awaitUntil(() -> open.state() == InFlight.State.OPEN && open.numHeartbeats() > 0);
            assertThat(open.completion()).isNotDone();
            open.cancel();
            assertThat(open.completion().join().outcome()).isEqualTo("cancelled");
            awaitUntil(() -> server.numHeldStreams() == 0);
        }
    }

    @Test
    void aRefusedConnectionIsRecordedAsConnect() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        try (OpenAiHttpTarget target = new OpenAiHttpTarget(URI.create("http://127.0.0.1:" + port), "m",
                OpenAiHttpTarget.Endpoint.CHAT, 0, Duration.ofSeconds(10))) {
            RequestRecord record = target.send(new PlannedRequest(0, null, "hi", 2), tenant("")).completion().join();
            assertThat(record.outcome()).isEqualTo("connect");
            assertThat(record.succeeded()).isFalse();
        }
    }

    @Test
    void theFirstListedModelIsFoundAndAnUnreachableGatewaySaysSo() throws Exception {
        assertThat(OpenAiHttpTarget.firstModel(server.baseUrl(), "sk-a")).isEqualTo(FakeOpenAiServer.MODEL);
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        assertThatThrownBy(() -> OpenAiHttpTarget.firstModel(URI.create("http://127.0.0.1:" + port), ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is the gateway running");
    }

    @Test
    void endpointPathsKeepABasePathPrefix() {
        assertThat(OpenAiHttpTarget.resolve(URI.create("http://h:1/proxy/"), "/v1/models"))
                .isEqualTo(URI.create("http://h:1/proxy/v1/models"));
        assertThat(OpenAiHttpTarget.resolve(URI.create("http://h:1"), "/v1/models")).isEqualTo(URI.create("http://h:1/v1/models"));
    }

    /** Waits for a condition the server or client reaches asynchronously (bounded, so a bug fails instead of hanging). */
    static void awaitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        io.kvasir.engine.testing.Await.until(Duration.ofSeconds(20), "the asynchronous condition holds", condition);
    }
}
