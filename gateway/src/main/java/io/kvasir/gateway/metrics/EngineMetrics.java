package io.kvasir.gateway.metrics;

import io.kvasir.api.plugin.PrefixCacheStats;
import io.kvasir.engine.loop.EngineStats;
import io.kvasir.gateway.engine.ModelCatalog;
import io.kvasir.gateway.engine.ModelEngine;
import io.kvasir.gateway.server.Drain;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.function.ToDoubleFunction;
import org.springframework.stereotype.Component;

/**
 * Engine-side metrics per served model ({@code model} tag), read from {@link ModelEngine#stats()} and
 * {@link ModelEngine#prefixCacheStats()} at each scrape: running and waiting requests (the queue depth), KV
 * blocks used, free and kept by the prefix cache, prefix-cache queries and hits, preemptions, and requests the
 * engine's full queue refused; plus the gateway's generations in flight. A model no longer served reads NaN.
 */
@Component
public class EngineMetrics implements MeterBinder {

    private final ModelCatalog catalog;
    private final Drain drain;

    public EngineMetrics(ModelCatalog catalog, Drain drain) {
        this.catalog = catalog;
        this.drain = drain;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("kvasir.gateway.generations.in.flight", drain, Drain::numInFlight)
                .description("Generations the gateway is serving now").register(registry);
        for (ModelEngine engine : catalog.all()) {
            bindModel(registry, engine.name());
        }
    }

    private void bindModel(MeterRegistry registry, String model) {
        gauge(registry, model, "kvasir.engine.requests.running", "Requests running in the engine", EngineStats::numRunning);
        gauge(registry, model, "kvasir.engine.requests.waiting", "Requests queued or preempted in the engine (queue depth)",
                EngineStats::numWaiting);
        gauge(registry, model, "kvasir.engine.kv.blocks.used", "KV blocks held by requests or the prefix cache",
                EngineStats::numUsedBlocks);
        gauge(registry, model, "kvasir.engine.kv.blocks.free", "KV blocks free", EngineStats::numFreeBlocks);
        gauge(registry, model, "kvasir.engine.kv.blocks.cached", "KV blocks only the prefix cache keeps",
                EngineStats::numCachedBlocks);
        gauge(registry, model, "kvasir.engine.kv.staging.bytes", "Bytes of staging held by partly filled KV blocks "
                + "(codecs that encode whole blocks, such as int4-kivi)", EngineStats::kvStagingBytesInUse);
        counter(registry, model, "kvasir.engine.preemptions", "Requests preempted", EngineStats::numPreemptions);
        counter(registry, model, "kvasir.engine.rejected", "Submissions refused because the engine queue was full",
                EngineStats::numRejected);
        prefixCounter(registry, model, "kvasir.engine.prefix.cache.queries", "Prefix-cache lookups",
                PrefixCacheStats::numQueries);
        prefixCounter(registry, model, "kvasir.engine.prefix.cache.hits", "Prefix-cache lookups that found a block",
                PrefixCacheStats::numHits);
        prefixCounter(registry, model, "kvasir.engine.prefix.cache.queried.tokens", "Prompt tokens looked up",
                PrefixCacheStats::numQueriedTokens);
        prefixCounter(registry, model, "kvasir.engine.prefix.cache.hit.tokens", "Prompt tokens found in the prefix cache",
                PrefixCacheStats::numHitTokens);
    }

    private void gauge(MeterRegistry registry, String model, String name, String description,
            ToDoubleFunction<EngineStats> value) {
        Gauge.builder(name, catalog, c -> c.find(model).map(e -> value.applyAsDouble(e.stats())).orElse(Double.NaN))
                .description(description).tag("model", model).register(registry);
    }

    private void counter(MeterRegistry registry, String model, String name, String description,
            ToDoubleFunction<EngineStats> value) {
        FunctionCounter.builder(name, catalog, c -> c.find(model).map(e -> value.applyAsDouble(e.stats())).orElse(Double.NaN))
                .description(description).tag("model", model).register(registry);
    }

    private void prefixCounter(MeterRegistry registry, String model, String name, String description,
            ToDoubleFunction<PrefixCacheStats> value) {
        FunctionCounter.builder(name, catalog, c -> c.find(model).map(ModelEngine::prefixCacheStats)
                        .map(s -> value.applyAsDouble(s)).orElse(0.0))
                .description(description).tag("model", model).register(registry);
    }
}
