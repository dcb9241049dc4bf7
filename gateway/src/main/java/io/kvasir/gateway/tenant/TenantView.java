package io.kvasir.gateway.tenant;

import io.kvasir.gateway.store.TenantLimits;
import io.kvasir.gateway.store.TenantRecord;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * A tenant as the admin API and the audit log show it.
 *
 * @param id tenant id
 * @param name display name
 * @param weight fair-share weight
 * @param prefixGroup prefix-sharing group; null: its own
 * @param limits its limits
 * @param createdAt when it was created
 * @param disabled whether its keys are refused
 * @param version the version a conditional update must name
 * @param keys its keys, oldest first (empty where not loaded)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record TenantView(String id, String name, double weight, @Nullable String prefixGroup, Limits limits,
        Instant createdAt, boolean disabled, long version, List<KeyView> keys) {

    public static TenantView of(TenantRecord tenant, List<KeyView> keys) {
        TenantLimits l = tenant.limits();
        return new TenantView(tenant.id(), tenant.name(), tenant.weight(), tenant.prefixGroup(),
                new Limits(l.requestsPerMinute(), l.tokensPerMinute(), l.maxConcurrent(), l.maxQueued()),
                tenant.createdAt(), tenant.disabled(), tenant.version(), List.copyOf(keys));
    }

    /** {@link TenantLimits} in the admin API's field names. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Limits(int requestsPerMinute, long tokensPerMinute, int maxConcurrent, int maxQueued) {
    }
}
