package io.kvasir.gateway.tenant;

import io.kvasir.gateway.store.TenantLimits;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Tenant defaults ({@code kvasir.tenants.*}).
 *
 * @param defaultLimits the limits of a tenant created without its own (the demo tenant included)
 * @param cacheTtl how long a tenant's settings are cached; changes made on another replica show here after at
 *        most this long (changes on this replica at once)
 */
@ConfigurationProperties("kvasir.tenants")
public record TenantProperties(@DefaultValue DefaultLimits defaultLimits, @DefaultValue("30s") Duration cacheTtl) {

    /** {@link TenantLimits} with defaults for every field. */
    public record DefaultLimits(
            @DefaultValue("600") int requestsPerMinute,
            @DefaultValue("1000000") long tokensPerMinute,
            @DefaultValue("16") int maxConcurrent,
            @DefaultValue("64") int maxQueued) {

        public TenantLimits toLimits() {
            return new TenantLimits(requestsPerMinute, tokensPerMinute, maxConcurrent, maxQueued);
        }
    }
}
