package io.kvasir.ops.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kvasir.ops.KvasirCli;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The hook for testing {@code ./kvasir loadgen} against a real server: what the load generator must see from
 * any OpenAI-compatible streaming server with API keys, run through the command line exactly as a user runs it.
 * {@link FakeServerLoadgenTest} runs it against a small JDK server (a test of the client only).
 *
 * <p>To run it against the Kvasir gateway, subclass it where the gateway can be started (the gateway module's
 * tests, with this module's test jar) and return the running gateway's URL and two tenants' keys. The
 * gateway must serve a model whose context fits a short prompt plus {@link #idleMaxTokens()}, have a prefix
 * cache on, and let one tenant queue {@link #IDLE_CONNECTIONS} requests.
 */
public abstract class LoadgenAgainstServerContract {

    /** Connections the idle probe holds in this test (the measured figure uses 1,000). */
    protected static final int IDLE_CONNECTIONS = 8;

    private final ObjectMapper json = new ObjectMapper();

    /** The server's base URL, e.g. {@code http://127.0.0.1:8080}. */
    protected abstract URI baseUrl();

    /** A tenant's API key. */
    protected abstract String apiKey();

    /** Another tenant's API key. */
    protected abstract String secondApiKey();

    /** The model the idle probe asks for; null: the first one the server lists. */
    protected @Nullable String idleModel() {
        return null;
    }

    /** Output tokens each idle request asks for: long enough that the engine queues most of them for the hold. */
    protected int idleMaxTokens() {
        return 200;
    }

    /** A command-line run's exit status, output and error output. */
    protected record Run(int status, String out, String err) {
    }

    /** Runs {@code ./kvasir loadgen ARGS} in this JVM. */
    protected Run loadgen(String... args) {
        List<String> all = new ArrayList<>(List.of("loadgen"));
        all.addAll(List.of(args));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = KvasirCli.run(all.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(status, out.toString(), err.toString());
    }

    private JsonNode readReport(Path file) throws Exception {
        return json.readTree(Files.readString(file));
    }

    @Test
    void aClosedLoopChatRunStreamsEveryRequestWithTheAskedOutputLength(@TempDir Path dir) throws Exception {
        Path report = dir.resolve("chat.json");
        Run run = loadgen("--url", baseUrl().toString(), "--api-key", apiKey(), "--concurrency", "2", "--requests", "6",
                "--prompt-tokens", "12", "--output-tokens", "4", "--slo-ttft-ms", "60000", "--json-out", report.toString());

        assertThat(run.status()).as(run.err() + run.out()).isZero();
        assertThat(run.out()).contains("throughput").contains("TTFT").contains("report written to");
        JsonNode r = readReport(report);
        assertThat(r.path("num_succeeded").asInt()).as(r.path("error_examples").toString()).isEqualTo(6);
        assertThat(r.path("output_tokens").asLong()).as("ignore_eos and max_tokens fix the length").isEqualTo(24);
        assertThat(r.path("prompt_tokens").asLong()).isPositive();
        assertThat(r.path("ttft_ms").path("count").asInt()).isEqualTo(6);
        assertThat(r.path("itl_ms").path("count").asInt()).isPositive();
        assertThat(r.path("tpot_ms").path("p50").asDouble()).isPositive();
        assertThat(r.path("goodput").path("num_met").asInt()).isEqualTo(6);
        assertThat(r.path("run").path("endpoint").asString()).isEqualTo("chat");
        assertThat(r.path("tenants").get(0).path("output_tokens").asLong()).isEqualTo(24);
    }

    @Test
    void anOpenLoopCompletionsRunSplitsRequestsBetweenTenants(@TempDir Path dir) throws Exception {
        Path report = dir.resolve("open.json");
        Run run = loadgen("--url", baseUrl().toString(), "--endpoint", "completions", "--tenant", "a:" + apiKey() + ":20",
                "--tenant", "b:" + secondApiKey() + ":20", "--requests", "10", "--prompt-tokens", "8..16",
                "--output-tokens", "2..5", "--json-out", report.toString(), "--seed", "3");

        assertThat(run.status()).as(run.err() + run.out()).isZero();
        JsonNode r = readReport(report);
        assertThat(r.path("num_succeeded").asInt()).as(r.path("error_examples").toString()).isEqualTo(10);
        JsonNode tenants = r.path("tenants");
        assertThat(tenants.get(0).path("name").asString()).isEqualTo("a");
        assertThat(tenants.get(0).path("num_requests").asInt() + tenants.get(1).path("num_requests").asInt()).isEqualTo(10);
        assertThat(tenants.get(0).path("output_tokens").asLong() + tenants.get(1).path("output_tokens").asLong())
                .isEqualTo(r.path("output_tokens").asLong()).isBetween(20L, 50L);
        assertThat(Files.readString(report)).doesNotContain(apiKey());
    }

    @Test
    void aWrongKeyFailsEveryRequestWith401AndExitStatusOne(@TempDir Path dir) throws Exception {
        Path report = dir.resolve("denied.json");
        Run run = loadgen("--url", baseUrl().toString(), "--model", modelName(), "--api-key", "kv-not-a-key",
                "--concurrency", "1", "--requests", "2", "--output-tokens", "2", "--json-out", report.toString());

        assertThat(run.status()).isEqualTo(LoadgenCommand.EXIT_NOTHING_SUCCEEDED);
        JsonNode r = readReport(report);
        assertThat(r.path("outcomes").path("http_401").asInt()).isEqualTo(2);
        assertThat(r.path("error_examples").path("http_401").asString()).isNotBlank();
        assertThat(run.out()).contains("http_401");
    }

    @Test
    void aSharedSystemPromptIsServedFromThePrefixCache(@TempDir Path dir) throws Exception {
        Path report = dir.resolve("prefix.json");
        Run run = loadgen("--url", baseUrl().toString(), "--api-key", apiKey(), "--concurrency", "1", "--requests", "3",
                "--system-prompt-tokens", "64", "--prompt-tokens", "8", "--output-tokens", "2", "--json-out", report.toString());

        assertThat(run.status()).as(run.err() + run.out()).isZero();
        JsonNode r = readReport(report);
        assertThat(r.path("cached_prompt_tokens").asLong()).isPositive();
        assertThat(r.path("run").path("system_prompt_tokens").asInt()).isEqualTo(64);
    }

    @Test
    void theIdleProbeHoldsEveryConnectionAndReadsTheServersGauges(@TempDir Path dir) throws Exception {
        Path report = dir.resolve("idle.json");
        List<String> args = new ArrayList<>(List.of("idle", "--url", baseUrl().toString(), "--api-key", apiKey(),
                "--connections", Integer.toString(IDLE_CONNECTIONS), "--max-tokens", Integer.toString(idleMaxTokens()),
                "--hold", "0.4", "--settle", "0.3", "--sample-every", "0.2", "--json-out", report.toString()));
        if (idleModel() != null) {
            args.addAll(List.of("--model", idleModel()));
        }
        Run run = loadgen(args.toArray(String[]::new));

        assertThat(run.status()).as(run.err() + run.out()).isZero();
        JsonNode r = readReport(report);
        assertThat(r.path("held_at_end").asInt()).as(r.toString()).isEqualTo(IDLE_CONNECTIONS);
        assertThat(r.path("samples").size()).isGreaterThanOrEqualTo(2);
        assertThat(r.path("gateway_heap_mb").path("before").asDouble()).isPositive();
        assertThat(r.path("gateway_live_threads").path("during_max").asDouble()).isPositive();
        assertThat(r.path("metrics_error").isNull()).isTrue();
        assertThat(run.out()).contains("gateway heap (MB)");
    }

    /** The model to name when discovery cannot be used (with a key the server refuses). */
    protected String modelName() {
        return OpenAiHttpTarget.firstModel(baseUrl(), apiKey());
    }
}
