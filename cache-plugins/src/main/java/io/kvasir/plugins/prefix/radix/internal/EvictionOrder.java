package io.kvasir.plugins.prefix.radix.internal;

import java.util.List;

/** Which evictable leaf goes first; chosen by name once, when the index is built. */
public enum EvictionOrder {

    /** Least recently used first (SGLang's default). */
    LRU("lru") {
        @Override
        boolean before(RadixNode a, RadixNode b) {
            if (a.lastAccess != b.lastAccess) {
                return a.lastAccess < b.lastAccess;
            }
            return a.serial < b.serial;
        }
    },
    /** Least frequently matched first, least recently used among equals. */
    LFU("lfu") {
        @Override
        boolean before(RadixNode a, RadixNode b) {
            if (a.hitCount != b.hitCount) {
                return a.hitCount < b.hitCount;
            }
            return LRU.before(a, b);
        }
    };

    /** The names {@link #byName} accepts. */
    public static final List<String> NAMES = List.of("lru", "lfu");

    private final String configName;

    EvictionOrder(String configName) {
        this.configName = configName;
    }

    /** Whether {@code a} should be evicted before {@code b}. */
    abstract boolean before(RadixNode a, RadixNode b);

    /** The order called {@code name} in configuration, or an exception listing the known names. */
    public static EvictionOrder byName(String name) {
        for (EvictionOrder order : values()) {
            if (order.configName.equals(name)) {
                return order;
            }
        }
        throw new IllegalArgumentException("unknown eviction order '" + name + "' (known: " + String.join(", ", NAMES) + ")");
    }
}
