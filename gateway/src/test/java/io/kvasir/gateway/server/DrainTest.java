package io.kvasir.gateway.server;

import static io.kvasir.gateway.testing.ApiAssertions.assertApiError;
import static org.assertj.core.api.Assertions.assertThat;

import io.kvasir.engine.loop.EngineStats;
import io.kvasir.gateway.testing.GatewayTestBase;
import io.kvasir.gateway.testing.Http;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Shutdown drains through the lifecycle, as on SIGTERM (RELIABILITY.md item 25): new requests get 503 and
 * readiness goes down at once; a generation that finishes within the grace period (1.5 s here) completes
 * normally; one that would run longer (16 choices of 900 tokens: more work than the grace period allows) is
 * ended with a final error event and {@code [DONE]}, and its engine requests are cancelled.
 */
class DrainTest extends GatewayTestBase {

    @Autowired
    DrainLifecycle lifecycle;

    @AfterEach
    void serveAgain() {
        lifecycle.start();
    }

    @Test
    void drainRefusesNewWorkFinishesShortWorkAndEndsLongWorkWithAFinalEvent() throws Exception {
        Http http = http();
        HttpClient client = HttpClient.newHttpClient();
        CompletableFuture<HttpResponse<Stream<String>>> longStream = client.sendAsync(post(
                "{\"model\":\"" + EMBEDDED + "\",\"prompt\":\"Once\",\"max_tokens\":900,\"n\":16,\"ignore_eos\":true,\"stream\":true}"),
                HttpResponse.BodyHandlers.ofLines());
        HttpResponse<Stream<String>> streaming = longStream.get(30, TimeUnit.SECONDS);
        assertThat(streaming.statusCode()).isEqualTo(200);
        var lines = streaming.body().iterator();
        String firstData = nextData(lines);
        assertThat(firstData).contains("text_completion");
        CompletableFuture<HttpResponse<String>> shortOne = client.sendAsync(post(
                "{\"model\":\"" + STORIES + "\",\"prompt\":\"Once\",\"max_tokens\":10,\"stream\":false}"),
                HttpResponse.BodyHandlers.ofString());

        CountDownLatch stopped = new CountDownLatch(1);
        lifecycle.stop(stopped::countDown);

        assertApiError(http.post("/v1/chat/completions", "{\"model\":\"stories260K\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"hi\"}]}"), 503, null, "server_shutting_down");
        assertThat(http.get("/v1/models").headers().firstValue("retry-after")).hasValue("1");
        assertThat(http.get("/actuator/health/readiness").status()).isEqualTo(503);
        assertThat(http.get("/actuator/health/liveness").status()).isEqualTo(200);

        HttpResponse<String> shortResponse = shortOne.get(30, TimeUnit.SECONDS);
        assertThat(shortResponse.statusCode()).as(shortResponse.body()).isIn(200, 503);

        String last = null;
        String beforeLast = null;
        while (lines.hasNext()) {
            String line = lines.next();
            if (line.startsWith("data: ")) {
                beforeLast = last;
                last = line.substring(6);
            }
        }
        assertThat(last).isEqualTo("[DONE]");
        JsonNode error = Http.JSON.readTree(beforeLast).get("error");
        assertThat(error.get("code").asString()).isEqualTo("server_shutting_down");
        assertThat(stopped.await(30, TimeUnit.SECONDS)).isTrue();

        awaitAdmissionIdle();
        awaitTrue(() -> engine(EMBEDDED).stats().numRunning() + engine(EMBEDDED).stats().numWaiting() == 0,
                "the cut generation's engine request is gone");
        EngineStats stats = engine(EMBEDDED).stats();
        assertThat(stats.numBlocksHeldByRequests()).isZero();

        lifecycle.start();
        assertThat(http.post("/v1/completions", "{\"model\":\"stories260K\",\"prompt\":\"Once\",\"max_tokens\":3}").status())
                .isEqualTo(200);
        assertThat(http.get("/actuator/health/readiness").status()).isEqualTo(200);
    }

    private HttpRequest post(String body) {
        return HttpRequest.newBuilder(URI.create(baseUrl() + "/v1/completions")).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + DEMO_KEY)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static String nextData(java.util.Iterator<String> lines) {
        while (lines.hasNext()) {
            String line = lines.next();
            if (line.startsWith("data: ")) {
                return line;
            }
        }
        throw new AssertionError("the stream ended early");
    }
}
