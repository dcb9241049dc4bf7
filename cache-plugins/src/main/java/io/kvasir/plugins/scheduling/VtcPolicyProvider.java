package io.kvasir.plugins.scheduling;

import io.kvasir.api.plugin.ConfigSchema;
import io.kvasir.api.plugin.PluginConfig;
import io.kvasir.api.plugin.SchedulingPolicy;
import io.kvasir.api.plugin.SchedulingPolicyProvider;

/**
 * {@code vtc}: Virtual Token Counter fair sharing between tenants (Sheng et al., OSDI 2024). Serves the tenant
 * with the least weighted service {@code (input_weight × prompt tokens + output_weight × generated tokens) / tenant weight}.
 */
public final class VtcPolicyProvider implements SchedulingPolicyProvider {

    private static final ConfigSchema SCHEMA = ConfigSchema.of(VtcConfig.INPUT_WEIGHT_FIELD, VtcConfig.OUTPUT_WEIGHT_FIELD);

    @Override
    public String name() {
        return "vtc";
    }

    @Override
    public String description() {
        return "Virtual Token Counter: fair sharing between tenants; the tenant with the least weighted token service "
                + "(divided by its weight) runs next, and a tenant returning from idle earns no credit for the idle time.";
    }

    @Override
    public ConfigSchema configSchema() {
        return SCHEMA;
    }

    @Override
    public SchedulingPolicy create(PluginConfig config) {
        return VtcConfig.create(config, 0);
    }
}
