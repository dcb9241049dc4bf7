package io.kvasir.plugins.scheduling;

import io.kvasir.api.plugin.ConfigSchema;
import io.kvasir.api.plugin.PluginConfig;
import io.kvasir.api.plugin.SchedulingPolicy;
import io.kvasir.api.plugin.SchedulingPolicyProvider;
import io.kvasir.plugins.scheduling.internal.PriorityPolicy;

/** {@code priority}: the highest request priority first, first come first served within a priority. */
public final class PriorityPolicyProvider implements SchedulingPolicyProvider {

    @Override
    public String name() {
        return "priority";
    }

    @Override
    public String description() {
        return "Highest request priority first; first come, first served among equal priorities.";
    }

    @Override
    public ConfigSchema configSchema() {
        return ConfigSchema.empty();
    }

    @Override
    public SchedulingPolicy create(PluginConfig config) {
        return new PriorityPolicy();
    }
}
