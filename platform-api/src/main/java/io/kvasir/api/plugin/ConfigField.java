package io.kvasir.api.plugin;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * One typed configuration field of a plugin, enough for a console to render a form and validate input
 * without knowing the plugin.
 *
 * @param name the key, e.g. {@code window_tokens}
 * @param type the value type
 * @param defaultValue the value when unset (of the type's Java class), or null when the field is required
 * @param min the smallest allowed number (numeric types), or null
 * @param max the largest allowed number (numeric types), or null
 * @param unit what the number counts, e.g. {@code tokens}, {@code bytes}, {@code fraction}; may be empty
 * @param help a sentence for the form
 * @param allowedValues the choices of an {@link Type#ENUM}; empty otherwise
 */
public record ConfigField(String name, Type type, @Nullable Object defaultValue, @Nullable Double min,
        @Nullable Double max, String unit, String help, List<String> allowedValues) {

    /** Value types. Java classes: INT → Integer, LONG → Long, DOUBLE → Double, BOOLEAN → Boolean, STRING and ENUM → String. */
    public enum Type { INT, LONG, DOUBLE, BOOLEAN, STRING, ENUM }

    public ConfigField {
        if (name == null || !name.matches("[a-z][a-z0-9_]*")) {
            throw new IllegalArgumentException("config field names are lowercase snake_case, got " + name);
        }
        allowedValues = List.copyOf(allowedValues);
        if (type == Type.ENUM && allowedValues.isEmpty()) {
            throw new IllegalArgumentException(name + ": an enum field needs allowed values");
        }
    }

    public static ConfigField integer(String name, int defaultValue, int min, int max, String unit, String help) {
        return new ConfigField(name, Type.INT, defaultValue, (double) min, (double) max, unit, help, List.of());
    }

    public static ConfigField longValue(String name, long defaultValue, long min, long max, String unit, String help) {
        return new ConfigField(name, Type.LONG, defaultValue, (double) min, (double) max, unit, help, List.of());
    }

    public static ConfigField decimal(String name, double defaultValue, double min, double max, String unit, String help) {
        return new ConfigField(name, Type.DOUBLE, defaultValue, min, max, unit, help, List.of());
    }

    public static ConfigField bool(String name, boolean defaultValue, String help) {
        return new ConfigField(name, Type.BOOLEAN, defaultValue, null, null, "", help, List.of());
    }

    public static ConfigField string(String name, String defaultValue, String help) {
        return new ConfigField(name, Type.STRING, defaultValue, null, null, "", help, List.of());
    }

    public static ConfigField choice(String name, String defaultValue, List<String> allowed, String help) {
        return new ConfigField(name, Type.ENUM, defaultValue, null, null, "", help, allowed);
    }
}
