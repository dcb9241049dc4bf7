package io.kvasir.api.plugin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The configuration fields of a plugin, and the validation of values against them.
 *
 * @param fields the fields in display order
 */
public record ConfigSchema(List<ConfigField> fields) {

    public ConfigSchema {
        fields = List.copyOf(fields);
        java.util.Set<String> names = new java.util.HashSet<>();
        for (ConfigField f : fields) {
            if (!names.add(f.name())) {
                throw new IllegalArgumentException("duplicate config field " + f.name());
            }
        }
    }

    /** A schema without fields. */
    public static ConfigSchema empty() {
        return new ConfigSchema(List.of());
    }

    public static ConfigSchema of(ConfigField... fields) {
        return new ConfigSchema(List.of(fields));
    }

    /**
     * Checks raw values (as they come from JSON, properties or a form: numbers, booleans or strings) and
     * returns a complete configuration with defaults filled in.
     *
     * @throws InvalidConfigException listing every problem: unknown keys, missing required fields, wrong
     *     types, values out of range or not among the allowed ones
     */
    public PluginConfig validate(Map<String, ?> raw) {
        List<String> problems = new ArrayList<>();
        Map<String, Object> values = new LinkedHashMap<>();
        for (String key : raw.keySet()) {
            if (fields.stream().noneMatch(f -> f.name().equals(key))) {
                problems.add(key + ": unknown field (known: " + String.join(", ", fields.stream().map(ConfigField::name).toList()) + ")");
            }
        }
        for (ConfigField field : fields) {
            Object value = raw.get(field.name());
            if (value == null) {
                if (field.defaultValue() == null) {
                    problems.add(field.name() + ": required");
                } else {
                    values.put(field.name(), field.defaultValue());
                }
                continue;
            }
            try {
                values.put(field.name(), coerce(field, value));
            } catch (IllegalArgumentException e) {
                problems.add(field.name() + ": " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidConfigException(problems);
        }
        return new PluginConfig(values);
    }

    private static Object coerce(ConfigField field, Object value) {
        Object typed = switch (field.type()) {
            case INT -> (int) wholeNumber(value, Integer.MIN_VALUE, Integer.MAX_VALUE);
            case LONG -> wholeNumber(value, Long.MIN_VALUE, Long.MAX_VALUE);
            case DOUBLE -> number(value);
            case BOOLEAN -> {
                if (value instanceof Boolean b) {
                    yield b;
                }
                if (value instanceof String s && (s.equals("true") || s.equals("false"))) {
                    yield Boolean.parseBoolean(s);
                }
                throw new IllegalArgumentException("expected true or false, got " + value);
            }
            case STRING -> {
                if (!(value instanceof String s)) {
                    throw new IllegalArgumentException("expected a string, got " + value);
                }
                yield s;
            }
            case ENUM -> {
                if (!(value instanceof String s) || !field.allowedValues().contains(s)) {
                    throw new IllegalArgumentException("expected one of " + field.allowedValues() + ", got " + value);
                }
                yield s;
            }
        };
        if (typed instanceof Number n) {
            double d = n.doubleValue();
            if ((field.min() != null && d < field.min()) || (field.max() != null && d > field.max())) {
                throw new IllegalArgumentException("must be in [" + format(field.min()) + ", " + format(field.max()) + "]"
                        + (field.unit().isEmpty() ? "" : " " + field.unit()) + ", got " + value);
            }
        }
        return typed;
    }

    private static String format(Double d) {
        return d == null ? "" : d == Math.rint(d) && Math.abs(d) < 1e15 ? String.valueOf(d.longValue()) : String.valueOf(d);
    }

    private static double number(Object value) {
        double d;
        if (value instanceof Number n) {
            d = n.doubleValue();
        } else if (value instanceof String s) {
            try {
                d = Double.parseDouble(s.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("expected a number, got " + value);
            }
        } else {
            throw new IllegalArgumentException("expected a number, got " + value);
        }
        if (!Double.isFinite(d)) {
            throw new IllegalArgumentException("expected a finite number, got " + value);
        }
        return d;
    }

    private static long wholeNumber(Object value, long min, long max) {
        double d = number(value);
        if (d != Math.rint(d) || d < min || d > max) {
            throw new IllegalArgumentException("expected a whole number, got " + value);
        }
        return (long) d;
    }
}
