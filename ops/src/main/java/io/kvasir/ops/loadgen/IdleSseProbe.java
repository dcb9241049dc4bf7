package io.kvasir.ops.loadgen;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

import org.jspecify.annotations.Nullable;

/**
 * Opens many streaming requests at once and holds them, to measure what open but quiet SSE connections cost
 * the gateway: its heap and its live threads before, during and after.
 *
 * <p>How the connections stay quiet against a real gateway: each request asks for a long output
 * ({@code max_tokens} with {@code ignore_eos}), so the engine's running slots fill with the first few and the
 * rest wait in its queue, their streams open and silent except for the gateway's heartbeat comments. The
 * gateway's limits must let them wait rather than refuse them (the engine's {@code max-waiting-requests}, the
 * tenant's concurrent and queued limits); refusals show up as {@code endedEarly} outcomes. When the hold ends
 * the probe closes every connection, which cancels the requests.
 */
final class IdleSseProbe {

    /**
     * @param connections streaming requests to open
     * @param rampPerSecond how fast to open them; 0: all at once
     * @param settle wait after opening before sampling, and after closing before the last scrape
     * @param hold how long to hold them, sampling every {@code sampleEvery}
     */
    record Settings(int connections, int promptTokens, int maxTokens, double rampPerSecond, Duration settle,
            Duration hold, Duration sampleEvery, long seed) {
        Settings {
            if (connections < 1 || promptTokens < 1 || maxTokens < 1) {
                throw new IllegalArgumentException("--connections, --prompt-tokens and --max-tokens must be at least 1");
            }
            if (rampPerSecond < 0 || !Double.isFinite(rampPerSecond)) {
                throw new IllegalArgumentException("--ramp must be a finite number >= 0, got " + rampPerSecond);
            }
            if (settle.isNegative() || hold.isNegative() || sampleEvery.isNegative() || sampleEvery.isZero()) {
                throw new IllegalArgumentException("--settle and --hold must not be negative, --sample-every must be positive");
            }
        }

        /** How long the last connection must stay open: the whole probe. */
        Duration lifetime() {
            long rampNanos = rampPerSecond > 0 ? Math.round(connections / rampPerSecond * 1e9) : 0;
            return settle.plus(hold).plus(Duration.ofNanos(rampNanos));
        }
    }

    private final Target target;
    private final TenantSpec tenant;
    private final GatewayMetrics metrics;
    private final Settings settings;

    IdleSseProbe(Target target, TenantSpec tenant, GatewayMetrics metrics, Settings settings) {
        this.target = target;
        this.tenant = tenant;
        this.metrics = metrics;
        this.settings = settings;
    }

    IdleReport run(String model) throws InterruptedException {
        GatewayMetrics.Snapshot before = metrics.sample();
        double clientThreadsBefore = clientThreads();
        double clientHeapBefore = clientHeapMb();
        PromptCorpus corpus = PromptCorpus.builtIn();
        SplittableRandom random = new SplittableRandom(settings.seed());
        List<InFlight> requests = new ArrayList<>(settings.connections());
        long start = System.nanoTime();
        for (int i = 0; i < settings.connections(); i++) {
            PlannedRequest request = new PlannedRequest(0, null, corpus.text(settings.promptTokens(), random), settings.maxTokens());
            requests.add(target.send(request, tenant));
            if (settings.rampPerSecond() > 0) {
                sleepUntil(start + Math.round((i + 1) / settings.rampPerSecond() * 1e9));
            }
        }
        Thread.sleep(settings.settle());
        List<IdleReport.Sample> samples = new ArrayList<>();
        List<GatewayMetrics.Snapshot> during = new ArrayList<>();
        double clientThreadsMax = clientThreads();
        double clientHeapMax = clientHeapMb();
        long holdStart = System.nanoTime();
        long holdNanos = settings.hold().toNanos();
        int heldMin = Integer.MAX_VALUE;
        while (true) {
            GatewayMetrics.Snapshot snapshot = metrics.sample();
            during.add(snapshot);
            int[] states = countStates(requests);
            int held = states[0] + states[1] + states[2];
            heldMin = Math.min(heldMin, held);
            samples.add(new IdleReport.Sample((System.nanoTime() - start) / 1e9, held, states[0], states[1], states[2],
                    IdleReport.orNull(snapshot.heapUsedBytes() / 1e6), IdleReport.orNull(snapshot.liveThreads())));
            clientThreadsMax = Math.max(clientThreadsMax, clientThreads());
            clientHeapMax = Math.max(clientHeapMax, clientHeapMb());
            long elapsed = System.nanoTime() - holdStart;
            if (elapsed >= holdNanos) {
                break;
            }
            Thread.sleep(Duration.ofNanos(Math.min(settings.sampleEvery().toNanos(), holdNanos - elapsed)));
        }
        int[] endStates = countStates(requests);
        Map<String, Integer> endedEarly = new TreeMap<>();
        Map<String, String> examples = new TreeMap<>();
        long heartbeats = 0;
        for (InFlight request : requests) {
            heartbeats += request.numHeartbeats();
            if (request.completion().isDone()) {
                RequestRecord record = request.completion().join();
                endedEarly.merge(record.outcome(), 1, Integer::sum);
                if (record.errorMessage() != null) {
                    examples.putIfAbsent(record.outcome(), record.errorMessage());
                }
            }
        }
        requests.forEach(InFlight::cancel);
        Thread.sleep(settings.settle());
        GatewayMetrics.Snapshot after = metrics.sample();
        int heldAtEnd = endStates[0] + endStates[1] + endStates[2];
        Map<String, Integer> statesAtEnd = new LinkedHashMap<>();
        statesAtEnd.put("sent", endStates[0]);
        statesAtEnd.put("open", endStates[1]);
        statesAtEnd.put("streaming", endStates[2]);
        IdleReport.Gauge heap = gauge(before, during, after, s -> s.heapUsedBytes() / 1e6);
        Double perConnectionKb = heap.before() == null || heap.duringMax() == null || heldAtEnd == 0 ? null
                : (heap.duringMax() - heap.before()) * 1000 / heldAtEnd;
        Map<String, IdleReport.Gauge> extra = new LinkedHashMap<>();
        for (String name : before.extra().keySet()) {
            extra.put(name, gauge(before, during, after, s -> s.extra().getOrDefault(name, Double.NaN)));
        }
        String metricsError = firstError(before, during, after);
        return new IdleReport(target.describe(), model, settings.connections(), settings.promptTokens(), settings.maxTokens(),
                settings.hold().toMillis() / 1000.0, heldMin, heldAtEnd, statesAtEnd, endedEarly, examples, heartbeats, heap,
                gauge(before, during, after, GatewayMetrics.Snapshot::liveThreads), perConnectionKb,
                new IdleReport.Gauge(clientThreadsBefore, clientThreadsMax, clientThreads()),
                new IdleReport.Gauge(clientHeapBefore, clientHeapMax, clientHeapMb()), extra, samples, metricsError);
    }

    /** Counts of requests sent (no headers), open (headers) and streaming; ended ones are not counted. */
    private static int[] countStates(List<InFlight> requests) {
        int[] counts = new int[3];
        for (InFlight request : requests) {
            switch (request.state()) {
                case SENT -> counts[0]++;
                case OPEN -> counts[1]++;
                case STREAMING -> counts[2]++;
                case ENDED -> {
                    // not held
                }
            }
        }
        return counts;
    }

    private static IdleReport.Gauge gauge(GatewayMetrics.Snapshot before, List<GatewayMetrics.Snapshot> during,
            GatewayMetrics.Snapshot after, ToDoubleFunction<GatewayMetrics.Snapshot> value) {
        double max = Double.NaN;
        for (GatewayMetrics.Snapshot s : during) {
            double v = value.applyAsDouble(s);
            if (!Double.isNaN(v)) {
                max = Double.isNaN(max) ? v : Math.max(max, v);
            }
        }
        return new IdleReport.Gauge(IdleReport.orNull(value.applyAsDouble(before)), IdleReport.orNull(max),
                IdleReport.orNull(value.applyAsDouble(after)));
    }

    private static @Nullable String firstError(GatewayMetrics.Snapshot before, List<GatewayMetrics.Snapshot> during,
            GatewayMetrics.Snapshot after) {
        if (before.error() != null) {
            return before.error();
        }
        for (GatewayMetrics.Snapshot s : during) {
            if (s.error() != null) {
                return s.error();
            }
        }
        return after.error();
    }

    private static double clientThreads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }

    private static double clientHeapMb() {
        Runtime runtime = Runtime.getRuntime();
        return (runtime.totalMemory() - runtime.freeMemory()) / 1e6;
    }

    private static void sleepUntil(long dueNanos) throws InterruptedException {
        long wait = dueNanos - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(Duration.ofNanos(wait));
        }
    }
}
