package io.kvasir.ops.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import org.junit.jupiter.api.Test;

class LoadReportTest {

    private static final long MS = 1_000_000L;
    private static final RunDescription RUN = new RunDescription("http://gw", "m", "chat", "8", "5", 0, 1,
            List.of(new RunDescription.Tenant("a", "rate=1.0"), new RunDescription.Tenant("b", "users=2")));

    /** A successful request of {@code tokens} output tokens whose chunks arrive {@code gapMs} apart. */
    private static RequestRecord ok(int tenant, long startMs, long ttftMs, long gapMs, int tokens, int prompt, int cached) {
        long[] gaps = new long[tokens - 1];
        java.util.Arrays.fill(gaps, gapMs * MS);
        long end = startMs + ttftMs + gapMs * (tokens - 1);
        return new RequestRecord(tenant, startMs * MS, end * MS, ttftMs * MS, gaps, tokens, prompt, cached, tokens,
                RequestRecord.OK, null);
    }

    private static RequestRecord failed(int tenant, long startMs, long endMs, String outcome, String message) {
        return new RequestRecord(tenant, startMs * MS, endMs * MS, -1, new long[0], 0, -1, -1, -1, outcome, message);
    }

    @Test
    void throughputCountsSuccessfulRequestsOverTheRun() {
        List<RequestRecord> records = List.of(
                ok(0, 0, 100, 10, 5, 8, 0),      // ends at 140 ms
                ok(1, 50, 200, 20, 5, 8, 4),     // ends at 330 ms
                ok(1, 500, 100, 100, 5, 8, 8),   // ends at 1,000 ms
                failed(0, 600, 700, "http_429", "rate limited, retry later"),
                failed(0, 650, 700, "http_429", "second message is not kept"),
                failed(1, 700, 800, "connect", "refused"));
        LoadReport report = LoadReport.of(RUN, records, 0, Slo.NONE, null);

        assertThat(report.durationSeconds()).isEqualTo(1.0);
        assertThat(report.numRequests()).isEqualTo(6);
        assertThat(report.numSucceeded()).isEqualTo(3);
        assertThat(report.numFailed()).isEqualTo(3);
        assertThat(report.requestsPerSecond()).isEqualTo(3.0);
        assertThat(report.outputTokensPerSecond()).isEqualTo(15.0);
        assertThat(report.totalTokensPerSecond()).isEqualTo(39.0);
        assertThat(report.promptTokens()).isEqualTo(24);
        assertThat(report.cachedPromptTokens()).isEqualTo(12);
        assertThat(report.outcomes()).containsExactly(java.util.Map.entry("connect", 1), java.util.Map.entry("http_429", 2),
                java.util.Map.entry("ok", 3));
        assertThat(report.errorExamples()).containsEntry("http_429", "rate limited, retry later").containsEntry("connect", "refused");
        assertThat(report.goodput()).isNull();
    }

    @Test
    void latenciesSummariseTtftItlTpotAndEndToEnd() {
        List<RequestRecord> records = List.of(ok(0, 0, 100, 10, 5, 8, 0), ok(0, 0, 300, 30, 5, 8, 0),
                failed(0, 0, 5000, "timeout", "slow"));
        LoadReport report = LoadReport.of(RUN, records, 0, Slo.NONE, null);

        assertThat(report.ttftMs().count()).isEqualTo(2);
        assertThat(report.ttftMs().p50()).isEqualTo(200.0);
        assertThat(report.ttftMs().max()).isEqualTo(300.0);
        assertThat(report.itlMs().count()).isEqualTo(8);
        assertThat(report.itlMs().p50()).isEqualTo(20.0);
        assertThat(report.itlMs().p99()).isEqualTo(30.0);
        assertThat(report.tpotMs().mean()).isEqualTo(20.0);
        assertThat(report.e2eMs().max()).isEqualTo(420.0);
    }

    @Test
    void goodputCountsRequestsWithinBothBoundsOfTheSlo() {
        List<RequestRecord> records = List.of(
                ok(0, 0, 100, 10, 5, 8, 0),    // meets both
                ok(0, 0, 400, 10, 5, 8, 0),    // TTFT too slow
                ok(1, 0, 100, 50, 5, 8, 0),    // TPOT too slow
                ok(1, 0, 100, 50, 1, 8, 0),    // one token: no TPOT, meets
                failed(1, 0, 1000, "http_500", "boom"));
        LoadReport report = LoadReport.of(RUN, records, 0, new Slo(200.0, 20.0), null);

        assertThat(report.goodput().numMet()).isEqualTo(2);
        assertThat(report.goodput().attainment()).isEqualTo(0.4);
        assertThat(report.goodput().requestsPerSecond()).isCloseTo(2 / report.durationSeconds(), within(1e-9));
        assertThat(LoadReport.of(RUN, records, 0, new Slo(null, 20.0), null).goodput().numMet()).isEqualTo(3);
        assertThat(LoadReport.of(RUN, records, 0, new Slo(200.0, null), null).goodput().numMet()).isEqualTo(3);
    }

    @Test
    void reportsEachTenantsTokensAndTtft() {
        List<RequestRecord> records = List.of(ok(0, 0, 100, 10, 5, 8, 0), ok(1, 0, 300, 10, 7, 9, 0), ok(1, 0, 500, 10, 3, 9, 0),
                failed(1, 0, 1000, "http_429", "slow down"));
        LoadReport report = LoadReport.of(RUN, records, 0, Slo.NONE, null);

        LoadReport.TenantReport a = report.tenants().get(0);
        LoadReport.TenantReport b = report.tenants().get(1);
        assertThat(a.name()).isEqualTo("a");
        assertThat(a.outputTokens()).isEqualTo(5);
        assertThat(a.ttftMs().p99()).isEqualTo(100.0);
        assertThat(b.load()).isEqualTo("users=2");
        assertThat(b.numRequests()).isEqualTo(3);
        assertThat(b.numFailed()).isEqualTo(1);
        assertThat(b.outputTokens()).isEqualTo(10);
        assertThat(b.promptTokens()).isEqualTo(18);
        assertThat(b.ttftMs().p50()).isEqualTo(400.0);
        assertThat(b.outputTokensPerSecond()).isCloseTo(10 / report.durationSeconds(), within(1e-9));
    }

    @Test
    void outputTokensFallBackToTextChunksWithoutUsage() {
        RequestRecord noUsage = new RequestRecord(0, 0, 100 * MS, 10 * MS, new long[] {MS, MS}, 3, -1, -1, -1, RequestRecord.OK, null);
        assertThat(noUsage.numOutputTokens()).isEqualTo(3);
        assertThat(noUsage.tpotMillis()).isEqualTo(45.0);
        LoadReport report = LoadReport.of(RUN, List.of(noUsage), 0, Slo.NONE, null);
        assertThat(report.outputTokens()).isEqualTo(3);
        assertThat(report.promptTokens()).isZero();
    }

    @Test
    void anEmptyRunHasNoLatenciesAndZeroThroughput() {
        LoadReport report = LoadReport.of(RUN, List.of(), 0, new Slo(100.0, null), null);
        assertThat(report.ttftMs()).isNull();
        assertThat(report.requestsPerSecond()).isZero();
        assertThat(report.goodput().attainment()).isZero();
    }

    @Test
    void sloBoundsMustBePositive() {
        assertThatThrownBy(() -> new Slo(0.0, null)).hasMessageContaining("--slo-ttft-ms");
        assertThatThrownBy(() -> new Slo(null, -1.0)).hasMessageContaining("--slo-tpot-ms");
        assertThatThrownBy(() -> new Slo(Double.NaN, null)).hasMessageContaining("--slo-ttft-ms");
    }
}
