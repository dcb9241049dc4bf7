package io.kvasir.plugins.prefix.hash;

import io.kvasir.api.plugin.ConfigSchema;
import io.kvasir.api.plugin.PluginConfig;
import io.kvasir.api.plugin.PrefixIndex;
import io.kvasir.api.plugin.PrefixIndexProvider;
import io.kvasir.plugins.prefix.hash.internal.HashPrefixIndex;

/**
 * The {@code hash} prefix index: vLLM-style chained block hashes in one map, unreferenced blocks evicted
 * least recently unreferenced first. No configuration.
 */
public final class HashPrefixIndexProvider implements PrefixIndexProvider {

    /** The provider's stable name. */
    public static final String NAME = "hash";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Chained hashes of full blocks in one map, as in vLLM; a lookup walks block by block, and "
                + "unreferenced blocks are evicted least recently released first.";
    }

    @Override
    public ConfigSchema configSchema() {
        return ConfigSchema.empty();
    }

    @Override
    public PrefixIndex create(PluginConfig config) {
        return new HashPrefixIndex();
    }
}
