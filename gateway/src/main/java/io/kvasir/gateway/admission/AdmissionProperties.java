package io.kvasir.gateway.admission;

import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Global admission bounds ({@code kvasir.admission.*}); per-tenant limits live with the tenant.
 *
 * @param modelQueueCapacity the most requests one model holds in the gateway at once, across tenants: those in
 *        flight and those waiting for a tenant's concurrency slot; beyond it, 429 {@code queue_full}
 * @param modelQueueCapacities the same for named models, overriding the default
 * @param maxQueueWait how long a request waits for its tenant's concurrency slot before it is refused with 429
 * @param retryAfter the {@code Retry-After} for refusals whose wait cannot be computed (concurrency, queue)
 */
@ConfigurationProperties("kvasir.admission")
public record AdmissionProperties(
        @DefaultValue("256") int modelQueueCapacity,
        @DefaultValue({}) Map<String, Integer> modelQueueCapacities,
        @DefaultValue("60s") Duration maxQueueWait,
        @DefaultValue("1s") Duration retryAfter) {

    public AdmissionProperties {
        modelQueueCapacities = Map.copyOf(modelQueueCapacities);
        if (modelQueueCapacity < 1 || modelQueueCapacities.values().stream().anyMatch(c -> c < 1)) {
            throw new IllegalArgumentException("kvasir.admission model queue capacities must be >= 1");
        }
        if (!maxQueueWait.isPositive() || retryAfter.isNegative()) {
            throw new IllegalArgumentException("kvasir.admission.max-queue-wait must be > 0 and retry-after >= 0");
        }
    }

    /** The queue capacity of {@code model}. */
    public int capacityOf(String model) {
        return modelQueueCapacities.getOrDefault(model, modelQueueCapacity);
    }
}
