package io.kvasir.plugins.scheduling;

import io.kvasir.api.plugin.ConfigField;
import io.kvasir.api.plugin.ConfigSchema;
import io.kvasir.api.plugin.PluginConfig;
import io.kvasir.api.plugin.SchedulingPolicy;
import io.kvasir.api.plugin.SchedulingPolicyProvider;
import io.kvasir.plugins.scheduling.internal.LongestPrefixMatchPolicy;

/** {@code lpm}: longest cached prompt prefix first (SGLang), with a starvation guard ({@code max_skips}). */
public final class LongestPrefixMatchPolicyProvider implements SchedulingPolicyProvider {

    /** Pass-overs after which a request goes first. */
    public static final String MAX_SKIPS = "max_skips";

    private static final ConfigSchema SCHEMA = ConfigSchema.of(
            ConfigField.integer(MAX_SKIPS, 32, 1, 1_000_000, "decisions",
                    "A request passed over this many times (another request behind it in the queue picked first) runs next."));

    @Override
    public String name() {
        return "lpm";
    }

    @Override
    public String description() {
        return "Longest prefix match first: the waiting request with the most prompt tokens in the prefix cache runs next "
                + "(SGLang); a request passed over max_skips times goes first.";
    }

    @Override
    public ConfigSchema configSchema() {
        return SCHEMA;
    }

    @Override
    public SchedulingPolicy create(PluginConfig config) {
        return new LongestPrefixMatchPolicy(config.getInt(MAX_SKIPS));
    }
}
