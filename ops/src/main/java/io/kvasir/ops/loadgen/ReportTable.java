package io.kvasir.ops.loadgen;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

/** Prints a {@link LoadReport} as a plain-text table for a terminal. */
final class ReportTable {

    private ReportTable() {
    }

    static void print(PrintWriter out, LoadReport r) {
        RunDescription run = r.run();
        out.println(f("target %s, model %s, %s endpoint, prompt %s tokens, output %s tokens, system prompt %d tokens, seed %d",
                run.target(), run.model(), run.endpoint(), run.promptTokens(), run.outputTokens(), run.systemPromptTokens(),
                run.seed()));
        out.println("tenants: " + run.tenants().stream().map(t -> t.name() + " (" + t.load() + ")")
                .collect(Collectors.joining(", ")));
        out.println(f("duration %.1f s: %d requests, %d succeeded, %d failed%s", r.durationSeconds(), r.numRequests(),
                r.numSucceeded(), r.numFailed(), r.numFailed() == 0 ? "" : " (" + failures(r.outcomes()) + ")"));
        out.println(f("throughput  %.2f requests/s   %.1f output tokens/s   %.1f total tokens/s", r.requestsPerSecond(),
                r.outputTokensPerSecond(), r.totalTokensPerSecond()));
        out.println(f("tokens      prompt %d (cached %d, %.0f%%)   output %d", r.promptTokens(), r.cachedPromptTokens(),
                r.promptTokens() > 0 ? 100.0 * r.cachedPromptTokens() / r.promptTokens() : 0.0, r.outputTokens()));
        out.println(f("%-14s %9s %9s %9s %9s %9s %7s", "latency (ms)", "mean", "p50", "p90", "p99", "max", "n"));
        row(out, "  TTFT", r.ttftMs());
        row(out, "  ITL", r.itlMs());
        row(out, "  TPOT", r.tpotMs());
        row(out, "  E2E", r.e2eMs());
        LoadReport.Goodput g = r.goodput();
        if (g != null) {
            out.println(f("goodput (%s): %.2f requests/s, %d requests, %.1f%% of all", sloText(g.sloTtftMs(), g.sloTpotMs()),
                    g.requestsPerSecond(), g.numMet(), 100 * g.attainment()));
        }
        out.println(f("%-16s %9s %7s %12s %10s %10s %10s", "per tenant", "requests", "failed", "output tok", "tok/s",
                "TTFT p50", "TTFT p99"));
        for (LoadReport.TenantReport t : r.tenants()) {
            out.println(f("  %-14s %9d %7d %12d %10.1f %10s %10s", t.name(), t.numRequests(), t.numFailed(), t.outputTokens(),
                    t.outputTokensPerSecond(), t.ttftMs() == null ? "-" : f("%.1f", t.ttftMs().p50()),
                    t.ttftMs() == null ? "-" : f("%.1f", t.ttftMs().p99())));
        }
        r.errorExamples().forEach((outcome, message) -> out.println(f("error %s: %s", outcome, message)));
        LoadReport.ClientCost c = r.client();
        if (c != null) {
            out.println(f("load generator: %.2f CPU s (%.1f%% of one core), max schedule lag %.1f ms, %d live threads at peak",
                    c.cpuSeconds(), 100 * c.cpuCoresBusy(), c.maxScheduleLagMs(), c.peakLiveThreads()));
        }
    }

    private static void row(PrintWriter out, String name, @Nullable LatencySummary s) {
        if (s == null) {
            out.println(f("%-14s %9s %9s %9s %9s %9s %7d", name, "-", "-", "-", "-", "-", 0));
        } else {
            out.println(f("%-14s %9.1f %9.1f %9.1f %9.1f %9.1f %7d", name, s.mean(), s.p50(), s.p90(), s.p99(), s.max(), s.count()));
        }
    }

    static String sloText(@Nullable Double ttftMs, @Nullable Double tpotMs) {
        StringBuilder text = new StringBuilder();
        if (ttftMs != null) {
            text.append(f("TTFT <= %.0f ms", ttftMs));
        }
        if (tpotMs != null) {
            text.append(text.isEmpty() ? "" : ", ").append(f("TPOT <= %.0f ms", tpotMs));
        }
        return text.toString();
    }

    private static String failures(Map<String, Integer> outcomes) {
        return outcomes.entrySet().stream().filter(e -> !RequestRecord.OK.equals(e.getKey()))
                .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
    }

    static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
