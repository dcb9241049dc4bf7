package io.kvasir.ops.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * {@code ./kvasir loadgen} end to end against {@link FakeOpenAiServer}: the contract every server must meet,
 * and what only a scripted server can show (that the idle probe closes every connection it opened, that
 * warm-up requests are not measured, that bad options exit with status 2).
 */
class FakeServerLoadgenTest extends LoadgenAgainstServerContract {

    private FakeOpenAiServer server;

    @BeforeEach
    void startServer() throws Exception {
        server = FakeOpenAiServer.start("sk-one", "sk-two");
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Override
    protected URI baseUrl() {
        return server.baseUrl();
    }

    @Override
    protected String apiKey() {
        return "sk-one";
    }

    @Override
    protected String secondApiKey() {
        return "sk-two";
    }

    @Override
    protected String idleModel() {
        return FakeOpenAiServer.HOLD_MODEL;
    }

    @Test
    void theIdleProbeClosesEveryConnectionItOpened() throws Exception {
        Run run = loadgen("idle", "--url", baseUrl().toString(), "--api-key", apiKey(), "--model", FakeOpenAiServer.HOLD_MODEL,
                "--connections", "20", "--hold", "0.2", "--settle", "0.2", "--sample-every", "0.1", "--json");
        assertThat(run.status()).as(run.err()).isZero();
        JsonNode r = new ObjectMapper().readTree(run.out());
        assertThat(r.path("held_min").asInt()).isEqualTo(20);
        assertThat(r.path("states_at_end").path("open").asInt()).isEqualTo(20);
        assertThat(r.path("heartbeats").asLong()).isGreaterThanOrEqualTo(20);
        assertThat(r.path("ended_early").isEmpty()).isTrue();
        OpenAiHttpTargetTest.awaitUntil(() -> server.numHeldStreams() == 0);
    }

    @Test
    void warmUpRequestsAreSentButNotMeasured(@TempDir Path dir) throws Exception {
        Path report = dir.resolve("warm.json");
        Run run = loadgen("--url", baseUrl().toString(), "--api-key", apiKey(), "--concurrency", "2", "--requests", "3",
                "--warmup", "4", "--output-tokens", "2", "--json-out", report.toString());
        assertThat(run.status()).as(run.err()).isZero();
        assertThat(server.bodies()).hasSize(4 + 3);
        assertThat(server.bodies().subList(4, 7)).as("measured prompts are not warm-up prompts")
                .doesNotContainAnyElementsOf(server.bodies().subList(0, 4));
        assertThat(new ObjectMapper().readTree(Files.readString(report)).path("num_requests").asInt()).isEqualTo(3);
    }

    @Test
    void theSameSeedSendsTheSamePrompts() {
        for (int i = 0; i < 2; i++) {
            assertThat(loadgen("--url", baseUrl().toString(), "--model", FakeOpenAiServer.MODEL, "--api-key", apiKey(),
                    "--rate", "50", "--requests", "4", "--prompt-tokens", "normal:20,5", "--output-tokens", "1..4",
                    "--seed", "42").status()).isZero();
        }
        assertThat(server.bodies()).hasSize(8);
        // Overlapping requests may reach the server in another order.
        assertThat(server.bodies().subList(4, 8)).containsExactlyInAnyOrderElementsOf(server.bodies().subList(0, 4));
        assertThat(server.bodies().subList(0, 4)).doesNotHaveDuplicates();
    }

    @Test
    void badOptionsExitWithStatusTwoAndOneLine() {
        String url = baseUrl().toString();
        String[][] bad = {
            {"--url", url, "--model", "m"},
            {"--url", url, "--model", "m", "--rate", "1", "--concurrency", "2"},
            {"--url", url, "--model", "m", "--rate", "0"},
            {"--url", url, "--model", "m", "--concurrency", "1", "--tenant", "a:k:1"},
            {"--url", url, "--model", "m", "--tenant", "a:k"},
            {"--url", url, "--model", "m", "--tenant", "a:k:1", "--tenant", "a:j:2"},
            {"--url", url, "--model", "m", "--concurrency", "1", "--prompt-tokens", "10..2"},
            {"--url", url, "--model", "m", "--concurrency", "1", "--endpoint", "embeddings"},
            {"--url", url, "--model", "m", "--concurrency", "1", "--slo-ttft-ms", "-5"},
            {"--url", url, "--model", "m", "--concurrency", "1", "--requests", "0"},
            {"--url", "ftp://x", "--model", "m", "--concurrency", "1"},
            {"idle", "--url", url, "--model", "m", "--connections", "0"},
        };
        for (String[] args : bad) {
            Run run = loadgen(args);
            assertThat(run.status()).as(String.join(" ", args) + " -> " + run.err()).isEqualTo(2);
            assertThat(run.err()).startsWith("kvasir: ").doesNotContain("\tat ");
        }
        assertThat(server.bodies()).as("nothing was sent").isEmpty();
        Run unparsable = loadgen("idle", "--connections", "many");
        assertThat(unparsable.status()).isEqualTo(2);
        assertThat(unparsable.err()).contains("Try 'kvasir loadgen idle --help'.");
    }
}
