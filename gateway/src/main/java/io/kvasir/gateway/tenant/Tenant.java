package io.kvasir.gateway.tenant;

import org.jspecify.annotations.Nullable;

/**
 * The tenant an authenticated request belongs to, as the API handlers see it. The authentication filter puts
 * it in the exchange under {@link #ATTRIBUTE}.
 *
 * @param id stable tenant id; the engine's scheduling policy and accounting key on it
 * @param name display name
 * @param weight share of the engine relative to other tenants (VTC weight), positive
 * @param prefixGroup tenants in the same group share prefix-cache entries; null: the tenant's own salt
 */
public record Tenant(String id, String name, double weight, @Nullable String prefixGroup) {

    /** The exchange attribute holding the request's {@link Tenant}. */
    public static final String ATTRIBUTE = Tenant.class.getName();

    public Tenant {
        if (!(weight > 0) || Double.isInfinite(weight)) {
            throw new IllegalArgumentException("tenant weight must be a positive number, got " + weight);
        }
    }

    /** The prefix-cache salt group: the shared group, or the tenant itself. */
    public String effectivePrefixGroup() {
        return prefixGroup == null || prefixGroup.isBlank() ? id : prefixGroup;
    }
}
