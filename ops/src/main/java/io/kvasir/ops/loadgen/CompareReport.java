package io.kvasir.ops.loadgen;

import org.jspecify.annotations.Nullable;

/**
 * The HTTP path's cost: the same closed-loop workload run against an engine in this process and through the
 * gateway, at the same concurrency, measured by the same code.
 *
 * @param throughputRatio HTTP output tokens/s over engine-only output tokens/s
 * @param throughputCost {@code 1 - throughputRatio}: the share of throughput the HTTP path costs
 * @param ttftP50AddedMs HTTP median TTFT minus engine-only median TTFT, at the run's concurrency
 * @param singleStreamTtftP50AddedMs the same with one request at a time (the path's own latency, no queueing)
 * @param engineSingle the one-at-a-time engine-only run; null when it was not asked for
 */
record CompareReport(String model, int concurrency, LoadReport engine, LoadReport http, @Nullable LoadReport engineSingle,
        @Nullable LoadReport httpSingle, double throughputRatio, double throughputCost, @Nullable Double ttftP50AddedMs,
        @Nullable Double singleStreamTtftP50AddedMs, double targetMaxThroughputCost, double targetMaxTtftAddedMs,
        boolean throughputTargetMet, boolean ttftTargetMet) {

    static CompareReport of(String model, int concurrency, LoadReport engine, LoadReport http, @Nullable LoadReport engineSingle,
            @Nullable LoadReport httpSingle, double maxThroughputCost, double maxTtftAddedMs) {
        double ratio = engine.outputTokensPerSecond() > 0 ? http.outputTokensPerSecond() / engine.outputTokensPerSecond() : 0;
        Double added = ttftP50Difference(engine, http);
        Double singleAdded = engineSingle == null || httpSingle == null ? null : ttftP50Difference(engineSingle, httpSingle);
        return new CompareReport(model, concurrency, engine, http, engineSingle, httpSingle, ratio, 1 - ratio, added, singleAdded,
                maxThroughputCost, maxTtftAddedMs, engine.outputTokensPerSecond() > 0 && 1 - ratio <= maxThroughputCost,
                added != null && added <= maxTtftAddedMs);
    }

    private static @Nullable Double ttftP50Difference(LoadReport engine, LoadReport http) {
        return engine.ttftMs() == null || http.ttftMs() == null ? null : http.ttftMs().p50() - engine.ttftMs().p50();
    }
}
