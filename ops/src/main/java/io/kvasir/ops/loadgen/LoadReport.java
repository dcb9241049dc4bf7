package io.kvasir.ops.loadgen;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;

/**
 * What a load run measured, overall and per tenant; written as JSON (field names in snake case) and as a table.
 *
 * <p>Throughput counts successful requests and their tokens over the run's duration, from the start of the
 * run (before the first request) to the end of the last request. Latencies summarise successful requests:
 * TTFT from sending the request to the first chunk with text, ITL the gaps between text chunks, TPOT
 * (latency - TTFT) / (output tokens - 1) per request, E2E the whole request. Goodput is the rate of requests
 * that met the SLO; attainment their share of all requests sent, failed ones included.
 *
 * @param outcomes requests per outcome ({@code ok}, {@code http_429}, {@code connect}, ...), sorted by name
 * @param errorExamples the first error message seen per failing outcome
 * @param goodput null when no SLO was given
 * @param client what the load generator itself cost; null where it was not measured
 */
record LoadReport(RunDescription run, double durationSeconds, int numRequests, int numSucceeded, int numFailed,
        Map<String, Integer> outcomes, Map<String, String> errorExamples, double requestsPerSecond,
        double outputTokensPerSecond, double totalTokensPerSecond, long promptTokens, long cachedPromptTokens,
        long outputTokens, @Nullable LatencySummary ttftMs, @Nullable LatencySummary itlMs,
        @Nullable LatencySummary tpotMs, @Nullable LatencySummary e2eMs, @Nullable Goodput goodput,
        List<TenantReport> tenants, @Nullable ClientCost client) {

    /** Error messages are cut to this length in the report. */
    static final int MAX_ERROR_MESSAGE = 240;

    /** Requests per second that met the SLO, and their share. */
    record Goodput(@Nullable Double sloTtftMs, @Nullable Double sloTpotMs, int numMet, double requestsPerSecond,
            double attainment) {
    }

    /** One tenant's share of the run. */
    record TenantReport(String name, String load, int numRequests, int numFailed, long promptTokens,
            long cachedPromptTokens, long outputTokens, double outputTokensPerSecond, @Nullable LatencySummary ttftMs) {
    }

    /**
     * The load generator's own cost, to show it did not distort what it measured.
     *
     * @param cpuSeconds CPU time the whole load-generator process used during the run
     * @param cpuCoresBusy that time over the run's duration (1.0 = one core busy throughout)
     * @param maxScheduleLagMs how late the open-loop driver sent its most delayed request (0 in closed loop)
     * @param peakLiveThreads the most live threads of the process seen during the run
     */
    record ClientCost(double cpuSeconds, double cpuCoresBusy, double maxScheduleLagMs, int peakLiveThreads) {
    }

    /**
     * Builds the report of {@code records}.
     *
     * @param runStartNanos when the run began ({@link System#nanoTime()}), before its first request
     */
    static LoadReport of(RunDescription run, List<RequestRecord> records, long runStartNanos, Slo slo,
            @Nullable ClientCost client) {
        long end = runStartNanos;
        for (RequestRecord r : records) {
            end = Math.max(end, r.endNanos());
        }
        double seconds = (end - runStartNanos) / 1e9;
        Totals all = Totals.of(records);
        Map<String, Integer> outcomes = new TreeMap<>();
        Map<String, String> examples = new TreeMap<>();
        for (RequestRecord r : records) {
            outcomes.merge(r.outcome(), 1, Integer::sum);
            if (!r.succeeded() && r.errorMessage() != null) {
                examples.putIfAbsent(r.outcome(), abbreviate(r.errorMessage()));
            }
        }
        Goodput goodput = null;
        if (slo.isSet()) {
            int met = 0;
            for (RequestRecord r : records) {
                met += slo.isMetBy(r) ? 1 : 0;
            }
            goodput = new Goodput(slo.ttftMillis(), slo.tpotMillis(), met, perSecond(met, seconds),
                    records.isEmpty() ? 0 : (double) met / records.size());
        }
        List<TenantReport> tenants = new ArrayList<>();
        for (int t = 0; t < run.tenants().size(); t++) {
            int index = t;
            Totals mine = Totals.of(records.stream().filter(r -> r.tenantIndex() == index).toList());
            RunDescription.Tenant tenant = run.tenants().get(t);
            tenants.add(new TenantReport(tenant.name(), tenant.load(), mine.numRequests, mine.numFailed, mine.promptTokens,
                    mine.cachedPromptTokens, mine.outputTokens, perSecond(mine.outputTokens, seconds), mine.ttft()));
        }
        return new LoadReport(run, seconds, all.numRequests, all.numRequests - all.numFailed, all.numFailed, outcomes,
                examples, perSecond(all.numRequests - all.numFailed, seconds), perSecond(all.outputTokens, seconds),
                perSecond(all.outputTokens + all.promptTokens, seconds), all.promptTokens, all.cachedPromptTokens,
                all.outputTokens, all.ttft(), all.itl(), all.tpot(), all.e2e(), goodput, tenants, client);
    }

    private static double perSecond(double count, double seconds) {
        return seconds > 0 ? count / seconds : 0;
    }

    private static String abbreviate(String message) {
        String oneLine = message.replaceAll("\\s+", " ").strip();
        return oneLine.length() <= MAX_ERROR_MESSAGE ? oneLine : oneLine.substring(0, MAX_ERROR_MESSAGE - 3) + "...";
    }

    /** Sums and latency samples over the successful requests of a set. */
    private static final class Totals {
        int numRequests;
        int numFailed;
        long promptTokens;
        long cachedPromptTokens;
        long outputTokens;
        final List<RequestRecord> succeeded = new ArrayList<>();

        static Totals of(List<RequestRecord> records) {
            Totals totals = new Totals();
            for (RequestRecord r : records) {
                totals.numRequests++;
                if (!r.succeeded()) {
                    totals.numFailed++;
                    continue;
                }
                totals.succeeded.add(r);
                totals.promptTokens += Math.max(0, r.promptTokens());
                totals.cachedPromptTokens += Math.max(0, r.cachedPromptTokens());
                totals.outputTokens += r.numOutputTokens();
            }
            return totals;
        }

        @Nullable LatencySummary ttft() {
            long[] values = new long[succeeded.size()];
            int n = 0;
            for (RequestRecord r : succeeded) {
                if (r.hasFirstToken()) {
                    values[n++] = r.ttftNanos();
                }
            }
            return LatencySummary.ofNanos(values, n);
        }

        @Nullable LatencySummary itl() {
            int count = 0;
            for (RequestRecord r : succeeded) {
                count += r.chunkGapsNanos().length;
            }
            long[] values = new long[count];
            int n = 0;
            for (RequestRecord r : succeeded) {
                for (long gap : r.chunkGapsNanos()) {
                    values[n++] = gap;
                }
            }
            return LatencySummary.ofNanos(values, n);
        }

        @Nullable LatencySummary tpot() {
            return LatencySummary.ofMillis(succeeded.stream().mapToDouble(RequestRecord::tpotMillis)
                    .filter(v -> !Double.isNaN(v)).toArray());
        }

        @Nullable LatencySummary e2e() {
            long[] values = new long[succeeded.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = succeeded.get(i).latencyNanos();
            }
            return LatencySummary.ofNanos(values, values.length);
        }
    }
}
