package io.kvasir.plugins.prefix.radix;

import io.kvasir.api.plugin.ConfigField;
import io.kvasir.api.plugin.ConfigSchema;
import io.kvasir.api.plugin.PluginConfig;
import io.kvasir.api.plugin.PrefixIndex;
import io.kvasir.api.plugin.PrefixIndexProvider;
import io.kvasir.plugins.prefix.radix.internal.EvictionOrder;
import io.kvasir.plugins.prefix.radix.internal.RadixPrefixIndex;

/**
 * The {@code radix} prefix index: SGLang-style radix tree per salt at block granularity, evicting leaves
 * by LRU or LFU (config {@code eviction}).
 */
public final class RadixPrefixIndexProvider implements PrefixIndexProvider {

    /** The provider's stable name. */
    public static final String NAME = "radix";

    /** Config field: which evictable leaf goes first. */
    public static final String EVICTION = "eviction";

    private static final ConfigSchema SCHEMA = ConfigSchema.of(ConfigField.choice(EVICTION, "lru", EvictionOrder.NAMES,
            "Which unreferenced leaf is evicted first: lru (least recently used) or lfu (least often matched, "
                    + "then least recently used)."));

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "A radix tree of token blocks per tenant salt, as in SGLang; shared prefixes are stored once and "
                + "leaves are evicted by LRU or LFU, children before their parents.";
    }

    @Override
    public ConfigSchema configSchema() {
        return SCHEMA;
    }

    @Override
    public PrefixIndex create(PluginConfig config) {
        return new RadixPrefixIndex(EvictionOrder.byName(config.getString(EVICTION)));
    }
}
