package io.kvasir.ops.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** Report formatting (table and JSON) and the comparison and fairness verdicts. */
class ReportsTest {

    private static final long MS = 1_000_000L;
    private static final RunDescription RUN = new RunDescription("http://gw:8080", "tiny", "chat", "128", "normal:32,8,1,64",
            64, 7, List.of(new RunDescription.Tenant("alpha", "rate=2.0"), new RunDescription.Tenant("beta", "users=4")));

    private static RequestRecord ok(int tenant, long ttftMs, long gapMs, int tokens) {
        long[] gaps = new long[tokens - 1];
        java.util.Arrays.fill(gaps, gapMs * MS);
        return new RequestRecord(tenant, 0, (ttftMs + gapMs * (tokens - 1)) * MS, ttftMs * MS, gaps, tokens, 100, 64, tokens,
                RequestRecord.OK, null);
    }

    /** A report with TTFTs from {@code ttftMs}, its output throughput set to 100 / {@code slowdown} tokens/s. */
    private static LoadReport report(long ttftMs, double slowdown) {
        List<RequestRecord> records = List.of(ok(0, ttftMs, 20, 11), ok(1, ttftMs * 2, 20, 11),
                new RequestRecord(1, 0, 50 * MS, -1, new long[0], 0, -1, -1, -1, "http_429", "slow down"));
        LoadReport base = LoadReport.of(RUN, records, 0, new Slo(150.0, 25.0), new LoadReport.ClientCost(0.05, 0.01, 1.5, 23));
        return new LoadReport(base.run(), base.durationSeconds(), base.numRequests(), base.numSucceeded(),
                base.numFailed(), base.outcomes(), base.errorExamples(), base.requestsPerSecond(),
                100 / slowdown, base.totalTokensPerSecond(), base.promptTokens(),
                base.cachedPromptTokens(), base.outputTokens(), base.ttftMs(), base.itlMs(), base.tpotMs(), base.e2eMs(),
                base.goodput(), base.tenants(), base.client());
    }

    @Test
    void theTableShowsEveryFigureOfTheReport() {
        StringWriter text = new StringWriter();
        ReportTable.print(new PrintWriter(text, true), report(100, 1));
        String table = text.toString();
        assertThat(table).contains("target http://gw:8080, model tiny, chat endpoint, prompt 128 tokens, output normal:32,8,1,64 tokens,"
                + " system prompt 64 tokens, seed 7");
        assertThat(table).contains("tenants: alpha (rate=2.0), beta (users=4)");
        assertThat(table).contains("3 requests, 2 succeeded, 1 failed (http_429 1)");
        assertThat(table).contains("prompt 200 (cached 128, 64%)   output 22");
        assertThat(table).containsPattern("  TTFT\\s+150\\.0\\s+150\\.0\\s+190\\.0\\s+199\\.0\\s+200\\.0\\s+2");
        assertThat(table).containsPattern("  ITL\\s+20\\.0\\s+20\\.0\\s+20\\.0\\s+20\\.0\\s+20\\.0\\s+20");
        assertThat(table).contains("goodput (TTFT <= 150 ms, TPOT <= 25 ms): ").contains("1 requests, 33.3% of all");
        assertThat(table).containsPattern("  alpha\\s+1\\s+0\\s+11\\s+[0-9.]+\\s+100\\.0\\s+100\\.0");
        assertThat(table).containsPattern("  beta\\s+2\\s+1\\s+11\\s+[0-9.]+\\s+200\\.0\\s+200\\.0");
        assertThat(table).contains("error http_429: slow down");
        assertThat(table).contains("load generator: 0.05 CPU s (1.0% of one core), max schedule lag 1.5 ms, 23 live threads at peak");
    }

    @Test
    void anEmptyLatencyRowPrintsDashes() {
        LoadReport empty = LoadReport.of(RUN, List.of(), 0, Slo.NONE, null);
        StringWriter text = new StringWriter();
        ReportTable.print(new PrintWriter(text, true), empty);
        assertThat(text.toString()).containsPattern("  TTFT\\s+-\\s+-\\s+-\\s+-\\s+-\\s+0").contains("alpha");
    }

    @Test
    void jsonUsesSnakeCaseAndNullForWhatWasNotMeasured() throws Exception {
        JsonNode json = new ObjectMapper().readTree(ReportJson.toJson(report(100, 1)));
        assertThat(json.path("run").path("system_prompt_tokens").asInt()).isEqualTo(64);
        assertThat(json.path("ttft_ms").path("p99").asDouble()).isEqualTo(199.0);
        assertThat(json.path("tenants").get(1).path("ttft_ms").path("p50").asDouble()).isEqualTo(200.0);
        assertThat(json.path("goodput").path("slo_ttft_ms").asDouble()).isEqualTo(150.0);
        assertThat(json.path("client").path("peak_live_threads").asInt()).isEqualTo(23);
        assertThat(json.path("outcomes").path("http_429").asInt()).isEqualTo(1);
        JsonNode empty = new ObjectMapper().readTree(ReportJson.toJson(LoadReport.of(RUN, List.of(), 0, Slo.NONE, null)));
        assertThat(empty.path("ttft_ms").isNull()).isTrue();
        assertThat(empty.path("goodput").isNull()).isTrue();
    }

    @Test
    void theComparisonStatesTheThroughputCostAndTheTtftAdded() {
        LoadReport engine = report(100, 1);
        LoadReport http = report(103, 1.04);
        CompareReport r = CompareReport.of("tiny", 16, engine, http, null, null, 0.05, 5);
        assertThat(r.throughputRatio()).isCloseTo(1 / 1.04, within(1e-9));
        assertThat(r.throughputCost()).isCloseTo(1 - 1 / 1.04, within(1e-9));
        assertThat(r.throughputTargetMet()).isTrue();
        assertThat(r.ttftP50AddedMs()).isCloseTo(4.5, within(1e-9));
        assertThat(r.ttftTargetMet()).isTrue();
        assertThat(r.singleStreamTtftP50AddedMs()).isNull();

        CompareReport slow = CompareReport.of("tiny", 16, engine, report(110, 1.25), engine, report(101, 1), 0.05, 5);
        assertThat(slow.throughputTargetMet()).isFalse();
        assertThat(slow.ttftTargetMet()).isFalse();
        assertThat(slow.singleStreamTtftP50AddedMs()).isCloseTo(1.5, within(1e-9));

        StringWriter text = new StringWriter();
        CompareCommand.print(new PrintWriter(text, true), slow);
        assertThat(text.toString()).contains("cost 20.0% (target <= 5.0%: missed)").contains("+15.0 ms at 16 streams")
                .contains("+1.5 ms one at a time").contains("engine only, 1 stream");
    }

    @Test
    void severalRoundsAreJudgedOnTheirMedians() {
        LoadReport engine = report(100, 1);
        CompareReport fast = CompareReport.of("tiny", 16, engine, report(101, 1.01), engine, report(101, 1), 0.05, 5);
        CompareReport slow = CompareReport.of("tiny", 16, engine, report(140, 1.25), engine, report(130, 1), 0.05, 5);
        CompareReport even = CompareReport.of("tiny", 16, engine, report(103, 1.02), engine, report(102, 1), 0.05, 5);
        CompareSummary summary = CompareSummary.of(List.of(fast, slow, even), 0.05, 5);
        assertThat(summary.throughputRatio()).isCloseTo(1 / 1.02, within(1e-9));
        assertThat(summary.minThroughputRatio()).isCloseTo(1 / 1.25, within(1e-9));
        assertThat(summary.maxThroughputRatio()).isCloseTo(1 / 1.01, within(1e-9));
        assertThat(summary.ttftP50AddedMs()).isCloseTo(4.5, within(1e-9));
        assertThat(summary.singleStreamTtftP50AddedMs()).isCloseTo(3.0, within(1e-9));
        assertThat(summary.throughputTargetMet()).isTrue();
        assertThat(summary.ttftTargetMet()).isTrue();
        assertThat(CompareSummary.of(List.of(slow, fast), 0.05, 5).throughputTargetMet()).isFalse();

        StringWriter text = new StringWriter();
        CompareCommand.print(new PrintWriter(text, true), summary);
        assertThat(text.toString()).contains("round 2 of 3 (HTTP first)").contains("median of 3 rounds: HTTP/engine throughput 0.980")
                .contains("+3.0 ms one at a time");
        assertThatThrownBy(() -> CompareSummary.of(List.of(), 0.05, 5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void fairnessComparesTheVictimsTtftP99AloneAndFlooded() {
        FairnessReport fair = FairnessReport.of(report(100, 1), report(180, 1), 2.0);
        assertThat(fair.victim()).isEqualTo("alpha");
        assertThat(fair.victimTtftP99AloneMs()).isEqualTo(100.0);
        assertThat(fair.ratio()).isCloseTo(1.8, within(1e-9));
        assertThat(fair.met()).isTrue();
        assertThat(FairnessReport.of(report(100, 1), report(250, 1), 2.0).met()).isFalse();
        FairnessReport none = FairnessReport.of(LoadReport.of(RUN, List.of(), 0, Slo.NONE, null), report(100, 1), 2.0);
        assertThat(none.ratio()).isNull();
        assertThat(none.met()).isFalse();
    }

    @Test
    void prometheusSamplesAreSummedByNameAndLabels() {
        PrometheusText text = PrometheusText.parse("""
                # HELP jvm_memory_used_bytes The amount of used memory
                # TYPE jvm_memory_used_bytes gauge
                jvm_memory_used_bytes{area="heap",id="G1 Eden Space"} 1.5E7
                jvm_memory_used_bytes{area="heap",id="G1 Old Gen"} 5000000.0
                jvm_memory_used_bytes{area="nonheap",id="Metaspace"} 9.0E7
                jvm_threads_live_threads 42.0
                odd_labels{path="/a,b}",quote="say \\"hi\\"",} 3 1712345678000
                special{kind="inf"} +Inf
                """);
        assertThat(text.sum("jvm_memory_used_bytes", Map.of("area", "heap"))).isEqualTo(2.0e7);
        assertThat(text.sum("jvm_memory_used_bytes", Map.of())).isEqualTo(1.1e8);
        assertThat(text.sum("jvm_threads_live_threads", Map.of())).isEqualTo(42.0);
        assertThat(text.sum("odd_labels", Map.of("path", "/a,b}", "quote", "say \"hi\""))).isEqualTo(3.0);
        assertThat(text.sum("special", Map.of())).isInfinite();
        assertThat(text.sum("missing", Map.of())).isNaN();
        try (GatewayMetrics metrics = new GatewayMetrics(java.net.URI.create("http://x"), null, List.of("odd_labels"))) {
            GatewayMetrics.Snapshot snapshot = metrics.of(text);
            assertThat(snapshot.heapUsedBytes()).isEqualTo(2.0e7);
            assertThat(snapshot.liveThreads()).isEqualTo(42.0);
            assertThat(snapshot.extra()).containsEntry("odd_labels", 3.0);
        }
    }

    @Test
    void aLineThatIsNotASampleIsNamed() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> PrometheusText.parse("ok 1\nbroken{a=1} 2\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line 2");
    }
}
