package io.kvasir.gateway.metrics;

import io.kvasir.engine.loop.EngineStats;
import io.kvasir.gateway.engine.ModelCatalog;
import io.kvasir.gateway.engine.ModelEngine;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Readiness that asks the engines themselves, not HTTP (RELIABILITY.md item 24): UP when every served model's
 * engine loop is alive and accepting work, DOWN when any is not or when no model is served. Details per model:
 * running and waiting requests, free KV blocks, and the engine's last failure.
 */
@Component("engines")
public class EnginesHealthIndicator implements HealthIndicator {

    private final ModelCatalog catalog;

    public EnginesHealthIndicator(ModelCatalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public Health health() {
        boolean allUp = true;
        Map<String, Object> models = new LinkedHashMap<>();
        for (ModelEngine engine : catalog.all()) {
            EngineStats stats = engine.stats();
            boolean up = engine.isHealthy() && stats.healthy();
            allUp &= up;
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("status", up ? "UP" : "DOWN");
            detail.put("running", stats.numRunning());
            detail.put("waiting", stats.numWaiting());
            detail.put("freeBlocks", stats.numFreeBlocks());
            detail.put("totalBlocks", stats.numBlocks());
            if (stats.lastFailure() != null) {
                detail.put("lastFailure", stats.lastFailure());
            }
            models.put(engine.name(), detail);
        }
        Health.Builder health = allUp && !models.isEmpty() ? Health.up() : Health.down();
        return health.withDetail("models", models).build();
    }
}
