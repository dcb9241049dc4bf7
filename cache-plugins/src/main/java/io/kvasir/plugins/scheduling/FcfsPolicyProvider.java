package io.kvasir.plugins.scheduling;

import io.kvasir.api.plugin.ConfigSchema;
import io.kvasir.api.plugin.PluginConfig;
import io.kvasir.api.plugin.SchedulingPolicy;
import io.kvasir.api.plugin.SchedulingPolicyProvider;
import io.kvasir.plugins.scheduling.internal.FcfsPolicy;

/** {@code fcfs}: first come, first served. No configuration. */
public final class FcfsPolicyProvider implements SchedulingPolicyProvider {

    @Override
    public String name() {
        return "fcfs";
    }

    @Override
    public String description() {
        return "First come, first served: requests run in arrival order, preempted ones first.";
    }

    @Override
    public ConfigSchema configSchema() {
        return ConfigSchema.empty();
    }

    @Override
    public SchedulingPolicy create(PluginConfig config) {
        return new FcfsPolicy();
    }
}
