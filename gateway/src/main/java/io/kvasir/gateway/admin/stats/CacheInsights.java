package io.kvasir.gateway.admin.stats;

import io.kvasir.engine.loop.Engine;
import io.kvasir.engine.loop.EngineStats;
import io.kvasir.engine.loop.StrategyChoice;
import io.kvasir.engine.sched.SharedPrefix;
import io.kvasir.gateway.engine.InProcessModelEngine;
import io.kvasir.gateway.engine.ModelDeployment;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * What a model's KV cache is doing, for the console's cache page: the last finished requests with their cached
 * tokens, blocks held, evicted tokens and preemptions; the prefixes requests reused most in the serving instance;
 * and the bytes held per memory tier over every instance of the model (a draining one included).
 */
@Component
public class CacheInsights {

    /** The prefixes listed. */
    static final int TOP_PREFIXES = 10;

    /** The tier of the KV pool itself, then the offload tiers the bundled plugins provide. */
    static final List<String> TIERS = List.of("device", "host", "disk");

    private final TrafficRecorder traffic;

    public CacheInsights(TrafficRecorder traffic) {
        this.traffic = traffic;
    }

    /** The cache view of a served model. */
    public CacheView view(ModelDeployment deployment) {
        List<InProcessModelEngine> engines = deployment.engines();
        List<PrefixView> prefixes = engines.getFirst().engine().sharedPrefixes(TOP_PREFIXES).stream()
                .map(PrefixView::of).toList();
        Map<String, Long> used = new LinkedHashMap<>();
        Map<String, Long> capacity = new LinkedHashMap<>();
        TIERS.forEach(tier -> {
            used.put(tier, 0L);
            capacity.put(tier, 0L);
        });
        for (InProcessModelEngine instance : engines) {
            Engine engine = instance.engine();
            EngineStats stats = engine.stats();
            // Blocks in use, and the staging of partly filled blocks for codecs that keep it (int4-kivi).
            used.merge("device", (long) stats.numUsedBlocks() * engine.kvBytesPerBlock() + stats.kvStagingBytesInUse(),
                    Long::sum);
            capacity.merge("device", engine.kvMemoryBytes(), Long::sum);
            StrategyChoice tier = engine.config().cacheProfile().offloadTier();
            if (!tier.isNone()) {
                used.merge(tier.name(), engine.offloadTierUsedBytes(), Long::sum);
                capacity.merge(tier.name(), engine.offloadTierCapacityBytes(), Long::sum);
            }
        }
        return new CacheView(traffic.recentRequests(deployment.name()), prefixes, used, capacity);
    }

    /**
     * A model's cache view.
     *
     * @param recentRequests the last finished requests, newest first
     * @param topPrefixes the prefixes reused most in the serving instance, most hits first
     * @param memoryByTier bytes held: {@code device} (KV blocks in use and the staging of partly filled blocks), then
     *     each offload tier by name
     * @param memoryCapacityByTier the bytes each tier may hold
     */
    public record CacheView(List<RecentRequest> recentRequests, List<PrefixView> topPrefixes, Map<String, Long> memoryByTier,
            Map<String, Long> memoryCapacityByTier) {
    }

    /**
     * A reused prefix.
     *
     * @param blocks KV blocks it spans
     * @param tokens tokens it spans
     * @param hits requests that started from it
     * @param tenantGroup the prefix-sharing group (a tenant's id unless tenants share a group)
     */
    public record PrefixView(int blocks, int tokens, long hits, String tenantGroup) {
        static PrefixView of(SharedPrefix prefix) {
            return new PrefixView(prefix.numBlocks(), prefix.numTokens(), prefix.hits(), prefix.prefixGroup());
        }
    }
}
