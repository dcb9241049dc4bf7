package io.kvasir.ops.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.kvasir.engine.loop.Engine;
import io.kvasir.engine.loop.EngineConfig;
import io.kvasir.engine.model.LoadedModel;
import io.kvasir.engine.testing.SharedFiles;
import io.kvasir.ops.KvasirCli;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The comparison and fairness subcommands wired end to end: the engine-only side on a real model (stories260K)
 * in this process, the HTTP side against {@link FakeOpenAiServer}. The figures mean nothing here; that every
 * part runs and lands in the report does.
 */
class CompareAndFairnessTest {

    private FakeOpenAiServer server;

    @BeforeEach
    void startServer() throws Exception {
        server = FakeOpenAiServer.start("sk-one", "sk-two");
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    private static JsonNode runJson(String... args) throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = KvasirCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        assertThat(status).as(err.toString()).isZero();
        return new ObjectMapper().readTree(out.toString());
    }

    @Test
    void compareRunsTheSameWorkloadInProcessAndOverHttp() throws Exception {
        Path model = SharedFiles.require("models/stories260K.gguf");
        JsonNode r = runJson("loadgen", "compare", "--url", server.baseUrl().toString(), "--api-key", "sk-one",
                "--model", FakeOpenAiServer.MODEL, "--engine-model", model.toString(), "--endpoint", "completions",
                "--concurrency", "2", "--requests", "4", "--warmup", "1", "--single-stream-requests", "2",
                "--prompt-tokens", "8", "--output-tokens", "4", "--threads", "1", "--kv-cache-mb", "8", "--rounds", "2", "--json");

        assertThat(r.path("rounds")).hasSize(2);
        for (JsonNode round : r.path("rounds")) {
            assertThat(round.path("engine").path("num_succeeded").asInt()).as(round.path("engine").toString()).isEqualTo(4);
            assertThat(round.path("engine").path("output_tokens").asLong()).isEqualTo(16);
            assertThat(round.path("engine").path("run").path("target").asString()).isEqualTo("in-process:stories260K.gguf");
            assertThat(round.path("http").path("num_succeeded").asInt()).isEqualTo(4);
            assertThat(round.path("engine_single").path("num_requests").asInt()).isEqualTo(2);
            assertThat(round.path("http_single").path("num_requests").asInt()).isEqualTo(2);
            assertThat(round.path("throughput_ratio").asDouble()).isPositive();
        }
        double[] ratios = {r.path("rounds").get(0).path("throughput_ratio").asDouble(),
                r.path("rounds").get(1).path("throughput_ratio").asDouble()};
        assertThat(r.path("throughput_ratio").asDouble()).isCloseTo((ratios[0] + ratios[1]) / 2, within(1e-9));
        assertThat(r.path("throughput_cost").asDouble()).isCloseTo(1 - r.path("throughput_ratio").asDouble(), within(1e-9));
        assertThat(r.path("ttft_p50_added_ms").isNumber()).isTrue();
        assertThat(r.path("single_stream_ttft_p50_added_ms").isNumber()).isTrue();
        // The HTTP side sent the engine side's prompts: 1 warm-up (first round only) + 2 x (4 + 2 one at a time).
        assertThat(server.bodies()).hasSize(13);
    }

    @Test
    void singleStreamRequestsCanArriveAtARateOnBothSides() throws Exception {
        Path model = SharedFiles.require("models/stories260K.gguf");
        String[] common = {"loadgen", "compare", "--url", server.baseUrl().toString(), "--api-key", "sk-one",
                "--model", FakeOpenAiServer.MODEL, "--engine-model", model.toString(), "--endpoint", "completions",
                "--concurrency", "1", "--requests", "1", "--warmup", "0", "--single-stream-requests", "3",
                "--prompt-tokens", "8", "--output-tokens", "2", "--threads", "1", "--kv-cache-mb", "8", "--rounds", "1"};
        JsonNode r = runJson(concat(common, "--single-stream-rate", "40", "--json"));
        JsonNode round = r.path("rounds").get(0);
        assertThat(round.path("engine_single").path("num_succeeded").asInt()).isEqualTo(3);
        assertThat(round.path("http_single").path("num_succeeded").asInt()).isEqualTo(3);
        assertThat(server.bodies()).hasSize(4);

        StringWriter err = new StringWriter();
        int status = KvasirCli.run(concat(common, "--single-stream-rate", "-1"), new PrintWriter(new StringWriter(), true),
                new PrintWriter(err, true));
        assertThat(status).isEqualTo(2);
        assertThat(err.toString()).contains("--single-stream-rate");
    }

    private static String[] concat(String[] first, String... more) {
        String[] all = java.util.Arrays.copyOf(first, first.length + more.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }

    @Test
    void theInProcessTargetTokenizesLikeTheGatewayAndStreamsEveryToken() throws Exception {
        Path file = SharedFiles.require("models/stories260K.gguf");
        try (LoadedModel model = LoadedModel.load(file);
                Engine engine = Engine.start(model, EngineConfig.defaults().withNumThreads(1).withKvCacheBytes(8L << 20)
                        .withMaxContextTokens(model.config().contextLength()))) {
            InProcessEngineTarget target = new InProcessEngineTarget(model, engine, OpenAiHttpTarget.Endpoint.COMPLETIONS, 0);
            PlannedRequest request = new PlannedRequest(1, null, "Once upon a time", 6);
            int[] tokens = target.promptTokens(request);
            assertThat(tokens).startsWith(model.tokenizer().bosId());
            RequestRecord record = target.send(request, new TenantSpec("t", "", new TenantSpec.Users(1))).completion().join();
            assertThat(record.succeeded()).as(String.valueOf(record.errorMessage())).isTrue();
            assertThat(record.tenantIndex()).isEqualTo(1);
            assertThat(record.outputTokens()).isEqualTo(6);
            assertThat(record.promptTokens()).isEqualTo(tokens.length);
            assertThat(record.hasFirstToken()).isTrue();

            RequestRecord tooLong = target.send(new PlannedRequest(0, null, "x", 1_000_000),
                    new TenantSpec("t", "", new TenantSpec.Users(1))).completion().join();
            assertThat(tooLong.outcome()).isEqualTo("invalid_request");
        }
    }

    @Test
    void fairnessRunsTheVictimAloneThenBesideTheFlooders() throws Exception {
        JsonNode r = runJson("loadgen", "fairness", "--url", server.baseUrl().toString(), "--model", FakeOpenAiServer.MODEL,
                "--victim", "quiet:sk-one:40", "--flooder", "flood:sk-two:users=2", "--duration", "0.3",
                "--prompt-tokens", "8", "--output-tokens", "2", "--json");

        assertThat(r.path("victim").asString()).isEqualTo("quiet");
        assertThat(r.path("alone").path("tenants").size()).isEqualTo(1);
        assertThat(r.path("flooded").path("tenants").size()).isEqualTo(2);
        assertThat(r.path("flooded").path("tenants").get(1).path("num_requests").asInt()).isPositive();
        assertThat(r.path("victim_ttft_p99_alone_ms").asDouble()).isPositive();
        assertThat(r.path("ratio").asDouble()).isPositive();
        assertThat(r.path("target_max_ratio").asDouble()).isEqualTo(2.0);
        List<String> aloneUsers = server.authorizations().subList(0, r.path("alone").path("num_requests").asInt());
        assertThat(aloneUsers).containsOnly("Bearer sk-one");
    }
}
