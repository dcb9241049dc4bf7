package io.kvasir.plugins.preemption.recompute;

import io.kvasir.api.plugin.ConfigSchema;
import io.kvasir.api.plugin.PluginConfig;
import io.kvasir.api.plugin.PreemptionPolicy;
import io.kvasir.api.plugin.PreemptionPolicyProvider;

/**
 * The {@code recompute} preemption policy: a preempted request drops its KV and computes it again when it
 * resumes (vLLM v1's only mode). Needs no offload tier.
 */
public final class RecomputePreemptionPolicyProvider implements PreemptionPolicyProvider {

    /** The provider's name. */
    public static final String NAME = "recompute";

    private static final PreemptionPolicy ALWAYS_RECOMPUTE = (numBlocks, bytesPerBlock, numComputedTokens) ->
            PreemptionPolicy.Mode.RECOMPUTE;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Drops a preempted request's KV and recomputes its tokens when it resumes; needs no offload tier.";
    }

    @Override
    public ConfigSchema configSchema() {
        return ConfigSchema.empty();
    }

    @Override
    public PreemptionPolicy create(PluginConfig config) {
        return ALWAYS_RECOMPUTE;
    }
}
