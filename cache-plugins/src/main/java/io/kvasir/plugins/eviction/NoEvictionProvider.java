package io.kvasir.plugins.eviction;

import io.kvasir.api.plugin.ConfigSchema;
import io.kvasir.api.plugin.EvictionPolicy;
import io.kvasir.api.plugin.EvictionPolicyProvider;
import io.kvasir.api.plugin.PluginConfig;
import io.kvasir.plugins.eviction.internal.NoEviction;

/** {@code none}: keeps every cached position; memory grows with the sequence. */
public final class NoEvictionProvider implements EvictionPolicyProvider {

    public static final String NAME = "none";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Keeps every cached position: exact attention, memory grows linearly with the sequence.";
    }

    @Override
    public ConfigSchema configSchema() {
        return ConfigSchema.empty();
    }

    @Override
    public EvictionPolicy create(PluginConfig config) {
        return new NoEviction();
    }
}
