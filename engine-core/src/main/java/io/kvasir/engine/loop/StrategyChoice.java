package io.kvasir.engine.loop;

import java.util.Map;

/**
 * A plugin picked by name with its raw configuration (validated against the plugin's schema when the
 * engine starts).
 *
 * @param name the provider's name, or {@link #NONE} where the kind is optional (prefix index, offload tier)
 * @param config raw values: numbers, booleans, strings (null: none, all defaults)
 */
public record StrategyChoice(String name, Map<String, Object> config) {

    /** Turns an optional kind off. */
    public static final String NONE = "none";

    public StrategyChoice {
        config = config == null ? Map.of() : Map.copyOf(config);
    }

    public static StrategyChoice of(String name) {
        return new StrategyChoice(name, Map.of());
    }

    public static StrategyChoice of(String name, Map<String, Object> config) {
        return new StrategyChoice(name, config);
    }

    public boolean isNone() {
        return NONE.equals(name);
    }
}
