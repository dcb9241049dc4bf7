package io.kvasir.gateway.tenant;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * A change to a tenant, as the admin API receives it: absent fields stay as they are.
 *
 * @param name new display name
 * @param weight new weight
 * @param prefixGroup new prefix-sharing group; {@code ""} removes it
 * @param limits new limit fields
 * @param disabled true disables the tenant (its keys are refused), false enables it
 * @param version when present, the change applies only if the tenant's version is still this one (else 409)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record TenantChange(@Nullable String name, @Nullable Double weight, @Nullable String prefixGroup,
        TenantSpec.@Nullable LimitsChange limits, @Nullable Boolean disabled, @Nullable Long version) {
}
