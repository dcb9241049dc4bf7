package io.kvasir.plugins.tier.host;

import io.kvasir.api.plugin.ConfigField;
import io.kvasir.api.plugin.ConfigSchema;
import io.kvasir.api.plugin.OffloadTier;
import io.kvasir.api.plugin.OffloadTierProvider;
import io.kvasir.api.plugin.PluginConfig;

/** The {@code host} offload tier: off-heap host memory with a byte budget (see {@link HostOffloadTier}). */
public final class HostOffloadTierProvider implements OffloadTierProvider {

    /** The provider's name. */
    public static final String NAME = "host";

    /** Default budget: 1 GiB. */
    public static final long DEFAULT_CAPACITY_BYTES = 1L << 30;

    private static final ConfigSchema SCHEMA = ConfigSchema.of(
            ConfigField.longValue("capacity_bytes", DEFAULT_CAPACITY_BYTES, 1, HostOffloadTier.MAX_CAPACITY_BYTES, "bytes",
                    "Off-heap host memory the tier may hold; reserved in 32 MiB chunks as it fills, freed when the model stops."));

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Keeps swapped-out and spilled KV blocks in off-heap host memory under a byte budget; a full tier refuses swaps.";
    }

    @Override
    public ConfigSchema configSchema() {
        return SCHEMA;
    }

    @Override
    public OffloadTier create(PluginConfig config) {
        return new HostOffloadTier(config.getLong("capacity_bytes"));
    }
}
