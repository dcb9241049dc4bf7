package io.kvasir.plugins.preemption.swap;

import io.kvasir.api.plugin.ConfigField;
import io.kvasir.api.plugin.ConfigSchema;
import io.kvasir.api.plugin.PluginConfig;
import io.kvasir.api.plugin.PreemptionPolicy;
import io.kvasir.api.plugin.PreemptionPolicyProvider;

/** The {@code swap} preemption policy (see {@link SwapPreemptionPolicy} for the rule). */
public final class SwapPreemptionPolicyProvider implements PreemptionPolicyProvider {

    /** The provider's name. */
    public static final String NAME = "swap";

    /** Requests with fewer computed tokens recompute by default: about one prefill chunk. */
    public static final int DEFAULT_MIN_COMPUTED_TOKENS = 256;

    private static final ConfigSchema SCHEMA = ConfigSchema.of(
            ConfigField.integer("min_computed_tokens", DEFAULT_MIN_COMPUTED_TOKENS, 0, Integer.MAX_VALUE, "tokens",
                    "Requests with fewer computed tokens are recomputed instead: recomputing a short prompt costs less "
                            + "than moving its blocks out and back. 0 swaps every request."),
            ConfigField.longValue("max_swap_bytes", 0L, 0, Long.MAX_VALUE, "bytes",
                    "Requests holding more KV bytes than this are recomputed instead, bounding the copy one preemption "
                            + "adds to a step. 0 means no limit."));

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Swaps a preempted request's KV blocks to the offload tier and back, unless its prompt is short "
                + "enough that recomputing is cheaper.";
    }

    @Override
    public ConfigSchema configSchema() {
        return SCHEMA;
    }

    @Override
    public PreemptionPolicy create(PluginConfig config) {
        return new SwapPreemptionPolicy(config.getInt("min_computed_tokens"), config.getLong("max_swap_bytes"));
    }
}
