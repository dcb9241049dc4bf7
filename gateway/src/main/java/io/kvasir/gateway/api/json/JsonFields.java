package io.kvasir.gateway.api.json;

import io.kvasir.gateway.api.ApiException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Typed, validated access to the fields of one JSON object in a request. Every failure is a 400 whose
 * {@code param} is the field's full path ({@code messages[2].content}) and whose message says what was
 * expected and what came (RELIABILITY.md item 6). No type is coerced: {@code "10"} is not a number, {@code 10.5}
 * is not an integer, and a JSON {@code null} counts as absent.
 *
 * <p>Strings are checked for lone surrogates (escaped {@code \ud800} in JSON), which no tokenizer can take
 * (item 11).
 */
public final class JsonFields {

    private final ObjectNode node;
    private final String path;

    private JsonFields(ObjectNode node, String path) {
        this.node = node;
        this.path = path;
    }

    /** The request body's top-level object. */
    public static JsonFields root(ObjectNode node) {
        return new JsonFields(node, "");
    }

    /** The full parameter path of a field of this object. */
    public String param(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    /** Whether the field is present and not null. */
    public boolean has(String name) {
        JsonNode value = node.get(name);
        return value != null && !value.isNull();
    }

    /** The raw value of a field, or null when absent or JSON null. */
    public @Nullable JsonNode raw(String name) {
        JsonNode value = node.get(name);
        return value == null || value.isNull() ? null : value;
    }

    /** A required non-empty string. */
    public String requiredString(String name) {
        String value = optionalString(name);
        if (value == null) {
            throw ApiException.invalidRequest(param(name), "'" + param(name) + "' is required.");
        }
        return value;
    }

    /** An optional string (empty allowed), or null. */
    public @Nullable String optionalString(String name) {
        JsonNode value = raw(name);
        return value == null ? null : string(value, param(name));
    }

    /** An optional integer in {@code [min, max]}, or null. */
    public @Nullable Integer optionalInt(String name, int min, int max) {
        JsonNode value = raw(name);
        if (value == null) {
            return null;
        }
        return (int) integer(value, param(name), min, max);
    }

    /** An optional integer within the long range, or null. */
    public @Nullable Long optionalLong(String name) {
        JsonNode value = raw(name);
        return value == null ? null : integer(value, param(name), Long.MIN_VALUE, Long.MAX_VALUE);
    }

    /** An optional finite number, or null (ranges are checked where the value is used). */
    public @Nullable Double optionalNumber(String name) {
        JsonNode value = raw(name);
        if (value == null) {
            return null;
        }
        if (!value.isNumber()) {
            throw wrongType(param(name), "a number", value);
        }
        double d = value.doubleValue();
        if (!Double.isFinite(d)) {
            throw ApiException.invalidRequest(param(name), "'" + param(name) + "' must be a finite number, got "
                    + value + ".");
        }
        return d;
    }

    /** An optional boolean, or null. */
    public @Nullable Boolean optionalBoolean(String name) {
        JsonNode value = raw(name);
        if (value == null) {
            return null;
        }
        if (!value.isBoolean()) {
            throw wrongType(param(name), "a boolean", value);
        }
        return value.booleanValue();
    }

    /** An optional nested object, or null. */
    public @Nullable JsonFields optionalObject(String name) {
        JsonNode value = raw(name);
        if (value == null) {
            return null;
        }
        if (!(value instanceof ObjectNode object)) {
            throw wrongType(param(name), "an object", value);
        }
        return new JsonFields(object, param(name));
    }

    /** An optional array, or null. */
    public @Nullable ArrayNode optionalArray(String name) {
        JsonNode value = raw(name);
        if (value == null) {
            return null;
        }
        if (!(value instanceof ArrayNode array)) {
            throw wrongType(param(name), "an array", value);
        }
        return array;
    }

    /** A string or an array of strings as a list (empty when absent); at most {@code maxItems} entries. */
    public List<String> stringOrStrings(String name, int maxItems) {
        JsonNode value = raw(name);
        if (value == null) {
            return List.of();
        }
        if (value.isString()) {
            return List.of(string(value, param(name)));
        }
        if (!(value instanceof ArrayNode array)) {
            throw wrongType(param(name), "a string or an array of strings", value);
        }
        if (array.size() > maxItems) {
            throw ApiException.invalidRequest(param(name), "'" + param(name) + "' may hold at most " + maxItems
                    + " entries, got " + array.size() + ".");
        }
        List<String> strings = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            strings.add(string(array.get(i), param(name) + "[" + i + "]"));
        }
        return strings;
    }

    /** The element of an array that must be an object, with its path. */
    public static JsonFields element(ArrayNode array, int index, String arrayParam) {
        JsonNode value = array.get(index);
        String param = arrayParam + "[" + index + "]";
        if (!(value instanceof ObjectNode object)) {
            throw wrongType(param, "an object", value);
        }
        return new JsonFields(object, param);
    }

    /** A string value, checked for lone surrogates. */
    public static String string(JsonNode value, String param) {
        if (!value.isString()) {
            throw wrongType(param, "a string", value);
        }
        String s = value.stringValue();
        int bad = Unicode.indexOfLoneSurrogate(s);
        if (bad >= 0) {
            throw ApiException.invalidRequest(param, "'" + param + "' is not valid Unicode: a lone surrogate (U+"
                    + Integer.toHexString(s.charAt(bad)).toUpperCase(java.util.Locale.ROOT) + ") at index " + bad + ".");
        }
        return s;
    }

    /** An integral number in {@code [min, max]}. */
    public static long integer(JsonNode value, String param, long min, long max) {
        if (!value.isIntegralNumber()) {
            throw wrongType(param, "an integer", value);
        }
        if (!value.canConvertToLong() || value.longValue() < min || value.longValue() > max) {
            throw ApiException.invalidRequest(param, "'" + param + "' must be an integer from " + min + " to " + max
                    + ", got " + value + ".");
        }
        return value.longValue();
    }

    /** A 400 saying the value has the wrong JSON type. */
    public static ApiException wrongType(String param, String expected, JsonNode actual) {
        return ApiException.invalidRequest(param, "'" + param + "' must be " + expected + ", got " + describe(actual) + ".");
    }

    /** A short description of a JSON value's type for error messages. */
    static String describe(JsonNode value) {
        if (value.isString()) {
            return "a string";
        }
        if (value.isIntegralNumber()) {
            return "an integer";
        }
        if (value.isNumber()) {
            return "a number";
        }
        if (value.isBoolean()) {
            return "a boolean";
        }
        if (value.isArray()) {
            return "an array";
        }
        if (value.isObject()) {
            return "an object";
        }
        return value.isNull() ? "null" : "a JSON value";
    }
}
