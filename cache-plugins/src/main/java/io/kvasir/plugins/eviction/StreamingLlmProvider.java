package io.kvasir.plugins.eviction;

import java.util.ArrayList;
import java.util.List;

import io.kvasir.api.plugin.ConfigField;
import io.kvasir.api.plugin.ConfigSchema;
import io.kvasir.api.plugin.EvictionPolicy;
import io.kvasir.api.plugin.EvictionPolicyProvider;
import io.kvasir.api.plugin.PluginConfig;
import io.kvasir.plugins.eviction.internal.EvictionBudget;
import io.kvasir.plugins.eviction.internal.StreamingLlmPolicy;

/** {@code streaming}: StreamingLLM's attention sinks plus a window of the most recent positions. */
public final class StreamingLlmProvider implements EvictionPolicyProvider {

    public static final String NAME = "streaming";
    public static final String SINK_TOKENS = "sink_tokens";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "StreamingLLM: keeps the first positions (attention sinks) and the most recent ones; needs no "
                + "attention statistics.";
    }

    @Override
    public ConfigSchema configSchema() {
        List<ConfigField> fields = new ArrayList<>(EvictionBudget.configFields());
        fields.add(ConfigField.integer(SINK_TOKENS, 4, 0, 1024, "tokens",
                "Leading positions always kept; 0 makes a plain sliding window."));
        return new ConfigSchema(fields);
    }

    @Override
    public EvictionPolicy create(PluginConfig config) {
        return new StreamingLlmPolicy(EvictionBudget.fromConfig(config), config.getInt(SINK_TOKENS));
    }
}
