package io.kvasir.api.plugin;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Validated configuration values of one plugin (see {@link ConfigSchema#validate}). */
public final class PluginConfig {

    private final Map<String, Object> values;

    PluginConfig(Map<String, Object> values) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** Every value, defaults included. */
    public Map<String, Object> asMap() {
        return values;
    }

    public int getInt(String name) {
        return (Integer) require(name);
    }

    public long getLong(String name) {
        return ((Number) require(name)).longValue();
    }

    public double getDouble(String name) {
        return ((Number) require(name)).doubleValue();
    }

    public boolean getBoolean(String name) {
        return (Boolean) require(name);
    }

    public String getString(String name) {
        return (String) require(name);
    }

    private Object require(String name) {
        Object value = values.get(name);
        if (value == null) {
            throw new IllegalArgumentException("no config field " + name);
        }
        return value;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PluginConfig c && c.values.equals(values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
