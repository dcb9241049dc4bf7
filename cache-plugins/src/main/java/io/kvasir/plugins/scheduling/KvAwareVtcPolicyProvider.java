package io.kvasir.plugins.scheduling;

import io.kvasir.api.plugin.ConfigField;
import io.kvasir.api.plugin.ConfigSchema;
import io.kvasir.api.plugin.PluginConfig;
import io.kvasir.api.plugin.SchedulingPolicy;
import io.kvasir.api.plugin.SchedulingPolicyProvider;

/**
 * {@code vtc-kv}: {@code vtc} that also charges KV-cache memory held over time, {@code kv_weight × block-seconds},
 * so a tenant keeping much cache for long pays for the memory it takes from others.
 */
public final class KvAwareVtcPolicyProvider implements SchedulingPolicyProvider {

    /** The default {@code kv_weight}: see {@code docs/plugins/scheduling.md} for how it was chosen. */
    public static final double DEFAULT_KV_WEIGHT = 0.25;

    private static final ConfigSchema SCHEMA = ConfigSchema.of(VtcConfig.INPUT_WEIGHT_FIELD, VtcConfig.OUTPUT_WEIGHT_FIELD,
            ConfigField.decimal(VtcConfig.KV_WEIGHT, DEFAULT_KV_WEIGHT, 0, 1e6, "service per block-second",
                    "Service charged for each KV block held for one second. About output_weight × (tokens generated "
                            + "per second) / (blocks in the pool) makes memory cost what it displaces."));

    @Override
    public String name() {
        return "vtc-kv";
    }

    @Override
    public String description() {
        return "KV-aware Virtual Token Counter: like vtc, and a tenant is also charged kv_weight for each KV block "
                + "it holds for a second, so long contexts held for long count against its share.";
    }

    @Override
    public ConfigSchema configSchema() {
        return SCHEMA;
    }

    @Override
    public SchedulingPolicy create(PluginConfig config) {
        return VtcConfig.create(config, config.getDouble(VtcConfig.KV_WEIGHT));
    }
}
