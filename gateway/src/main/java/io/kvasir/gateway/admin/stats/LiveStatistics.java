package io.kvasir.gateway.admin.stats;

import io.kvasir.engine.loop.EngineStats;
import io.kvasir.gateway.engine.ModelCatalog;
import io.kvasir.gateway.engine.ModelDeployment;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;

/**
 * The live statistics the console charts, one sample per second: per model the traffic windows of the
 * {@link TrafficRecorder} and its engines' state (KV blocks, queue, preemptions since the last sample), per tenant
 * its share of the generated tokens against its fair share. One sampler serves every subscriber of
 * {@link #stream()}; a subscriber that does not keep up gets the latest sample, never a backlog.
 */
@Component
public class LiveStatistics {

    private static final Duration PERIOD = Duration.ofSeconds(1);

    private final ModelCatalog catalog;
    private final TrafficRecorder traffic;
    private final LongSupplier nanoTime;
    private final Clock clock;
    private final Flux<StatsEvent> shared;
    // Guarded by this: preemption counts per engine instance at the last sample.
    private Map<String, Long> lastPreemptions = Map.of();
    private long lastSampleNanos = -1;

    @Autowired
    public LiveStatistics(ModelCatalog catalog, TrafficRecorder traffic) {
        this(catalog, traffic, System::nanoTime, Clock.systemUTC());
    }

    LiveStatistics(ModelCatalog catalog, TrafficRecorder traffic, LongSupplier nanoTime, Clock clock) {
        this.catalog = catalog;
        this.traffic = traffic;
        this.nanoTime = nanoTime;
        this.clock = clock;
        this.shared = Flux.interval(Duration.ZERO, PERIOD).onBackpressureDrop().map(tick -> sample()).share();
    }

    /** A sample per second, starting at once for the first subscriber (within a second for the others). */
    public Flux<StatsEvent> stream() {
        return shared.onBackpressureLatest();
    }

    /** Samples every served model now. */
    public synchronized StatsEvent sample() {
        long now = nanoTime.getAsLong();
        double elapsedSeconds = lastSampleNanos < 0 ? 0 : Math.max(1e-3, (now - lastSampleNanos) / 1e9);
        Map<String, Long> preemptions = new HashMap<>();
        Map<String, ModelStats> models = new LinkedHashMap<>();
        Map<String, ModelTraffic.TenantWindow> tenantTokens = new LinkedHashMap<>();
        for (ModelDeployment deployment : catalog.deployments()) {
            ModelTraffic.Window window = traffic.window(deployment.name());
            List<ModelDeployment.InstanceStatus> instances = deployment.instances();
            long newPreemptions = 0;
            int running = 0;
            int waiting = 0;
            for (ModelDeployment.InstanceStatus instance : instances) {
                String key = deployment.name() + "/" + instance.id();
                long total = instance.stats().numPreemptions();
                preemptions.put(key, total);
                newPreemptions += total - lastPreemptions.getOrDefault(key, 0L);
                running += instance.stats().numRunning();
                waiting += instance.stats().numWaiting();
            }
            EngineStats serving = instances.getFirst().stats();
            models.put(deployment.name(), new ModelStats(window.tokensPerSecond(), window.requestsPerSecond(),
                    window.ttft(), window.itl(), serving.numUsedBlocks(), serving.numFreeBlocks(), serving.numCachedBlocks(),
                    window.prefixHitRate(), elapsedSeconds == 0 ? 0 : newPreemptions / elapsedSeconds, waiting, running,
                    waiting, instances.size()));
            window.tenants().forEach((tenant, w) -> tenantTokens.merge(tenant, w,
                    (a, b) -> new ModelTraffic.TenantWindow(a.tokens() + b.tokens(), Math.max(a.weight(), b.weight()))));
        }
        lastPreemptions = preemptions;
        lastSampleNanos = now;
        return new StatsEvent(Instant.now(clock), models, tenants(tenantTokens));
    }

    private static Map<String, TenantStats> tenants(Map<String, ModelTraffic.TenantWindow> tokens) {
        long total = 0;
        double totalWeight = 0;
        for (ModelTraffic.TenantWindow w : tokens.values()) {
            total += w.tokens();
            totalWeight += w.weight();
        }
        Map<String, TenantStats> tenants = new LinkedHashMap<>();
        for (Map.Entry<String, ModelTraffic.TenantWindow> e : tokens.entrySet()) {
            ModelTraffic.TenantWindow w = e.getValue();
            tenants.put(e.getKey(), new TenantStats((double) w.tokens() / ModelTraffic.RATE_SECONDS,
                    total == 0 ? 0 : (double) w.tokens() / total, totalWeight == 0 ? 0 : w.weight() / totalWeight));
        }
        return tenants;
    }

    /**
     * One {@code stats} event.
     *
     * @param time when it was sampled
     * @param models per served model
     * @param tenants per tenant that generated tokens in the rate window
     */
    public record StatsEvent(Instant time, Map<String, ModelStats> models, Map<String, TenantStats> tenants) {
    }

    /**
     * One model's live figures.
     *
     * @param tokensPerSecond tokens generated per second over the last five complete seconds
     * @param requestsPerSecond generations finished per second over the same seconds
     * @param ttftMs time to first token over the last minute
     * @param itlMs time between tokens over the last minute
     * @param kvBlocksUsed blocks of the serving instance held by requests or the prefix cache
     * @param kvBlocksFree its free blocks
     * @param kvBlocksCached its blocks only the prefix cache keeps
     * @param prefixHitRate cached over prompt tokens of the requests finished in the last minute; null when none
     * @param preemptions requests preempted per second since the previous sample, over every instance
     * @param queueDepth requests waiting in the engines (queued or preempted)
     * @param running requests running in the engines
     * @param waiting the same as {@code queueDepth}
     * @param instances engine instances: 1, or 2 while one drains after a profile change
     */
    public record ModelStats(double tokensPerSecond, double requestsPerSecond, Percentiles ttftMs, Percentiles itlMs,
            int kvBlocksUsed, int kvBlocksFree, int kvBlocksCached, @Nullable Double prefixHitRate, double preemptions,
            int queueDepth, int running, int waiting, int instances) {
    }

    /**
     * One tenant's share of service over the last five complete seconds, over every model.
     *
     * @param tokensPerSecond tokens generated for it per second
     * @param share its part of all tokens generated
     * @param fairShare its weight over the weights of every tenant served in that window
     */
    public record TenantStats(double tokensPerSecond, double share, double fairShare) {
    }
}
