package io.kvasir.gateway.store;

import io.kvasir.gateway.tenant.Tenant;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A stored tenant.
 *
 * @param id stable id, {@code [a-z0-9][a-z0-9_-]{0,63}}
 * @param name display name
 * @param weight share of the engine relative to other tenants, positive
 * @param prefixGroup tenants in one group share prefix-cache entries; null: the tenant's own
 * @param limits rate, token, concurrency and queue limits
 * @param createdAt when it was created
 * @param disabledAt when it was disabled; its keys are refused from then on; null: enabled
 * @param version incremented by every change (optimistic concurrency for admin edits)
 */
public record TenantRecord(String id, String name, double weight, @Nullable String prefixGroup,
        TenantLimits limits, Instant createdAt, @Nullable Instant disabledAt, long version) {

    /** How the API handlers see this tenant. */
    public Tenant toTenant() {
        return new Tenant(id, name, weight, prefixGroup);
    }

    public boolean disabled() {
        return disabledAt != null;
    }
}
