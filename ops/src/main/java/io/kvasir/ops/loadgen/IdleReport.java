package io.kvasir.ops.loadgen;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * What an idle-connection probe saw: how many streaming requests stayed open while held, in which state, and
 * the gateway's heap and live threads before, during (the largest sample) and after (once the connections were
 * closed and the gateway had time to notice). Null values were not available (a failed scrape).
 *
 * @param heldMin the fewest open requests seen in any sample of the hold phase
 * @param heldAtEnd requests still open when the hold phase ended
 * @param statesAtEnd the open requests by state: {@code sent} (no response headers yet), {@code open} (headers,
 *        no text), {@code streaming} (text arriving)
 * @param endedEarly requests that ended before the probe closed them, by outcome
 * @param heartbeats SSE comment lines received over all connections
 * @param gatewayHeapPerHeldConnectionKb (largest heap during - heap before) / held at end
 */
record IdleReport(String target, String model, int connectionsRequested, int promptTokens, int maxTokens,
        double holdSeconds, int heldMin, int heldAtEnd, Map<String, Integer> statesAtEnd, Map<String, Integer> endedEarly,
        Map<String, String> errorExamples, long heartbeats, Gauge gatewayHeapMb, Gauge gatewayLiveThreads,
        @Nullable Double gatewayHeapPerHeldConnectionKb, Gauge clientLiveThreads, Gauge clientHeapMb,
        Map<String, Gauge> extraMetrics, List<Sample> samples, @Nullable String metricsError) {

    /** A value before, at its largest during, and after the hold. */
    record Gauge(@Nullable Double before, @Nullable Double duringMax, @Nullable Double after) {
    }

    /** One sample of the hold phase. */
    record Sample(double atSeconds, int held, int sent, int open, int streaming, @Nullable Double gatewayHeapMb,
            @Nullable Double gatewayLiveThreads) {
    }

    /** NaN (not measured) as null, for JSON. */
    static @Nullable Double orNull(double value) {
        return Double.isNaN(value) ? null : value;
    }
}
