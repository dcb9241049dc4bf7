package io.kvasir.engine.gguf;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * The key/value metadata of a GGUF file, read-only.
 *
 * <p>Scalar values are held as {@link Long} (all integer types), {@link Float}, {@link Double},
 * {@link Boolean} or {@link String}; arrays as {@link GgufArray}. Typed getters check the stored type
 * and throw {@link GgufFormatException} naming the key when it does not fit, so a file that declares,
 * say, token scores as bytes is refused with a clear message rather than misread.
 */
public final class GgufMetadata {

    private final @Nullable Path file;
    private final Map<String, Object> values;
    private final Map<String, GgufValueType> types;

    private GgufMetadata(@Nullable Path file, Map<String, Object> values, Map<String, GgufValueType> types) {
        this.file = file;
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        this.types = Collections.unmodifiableMap(new LinkedHashMap<>(types));
    }

    /**
     * Metadata from already-typed values (see the class comment for the Java type of each value type).
     *
     * @param file the file the values came from, for error messages; may be null
     */
    public static GgufMetadata of(@Nullable Path file, Map<String, Object> values, Map<String, GgufValueType> types) {
        if (!values.keySet().equals(types.keySet())) {
            throw new IllegalArgumentException("values and types must have the same keys");
        }
        return new GgufMetadata(file, values, types);
    }

    /** The keys in file order. */
    public Set<String> keys() {
        return values.keySet();
    }

    public boolean contains(String key) {
        return values.containsKey(key);
    }

    /** The raw value (see the class comment for its Java type), or null when absent. */
    public @Nullable Object get(String key) {
        return values.get(key);
    }

    /** The declared type of a key, or null when absent. */
    public @Nullable GgufValueType typeOf(String key) {
        return types.get(key);
    }

    /** All entries, in file order. */
    public Map<String, Object> asMap() {
        return values;
    }

    public String getString(String key) {
        return require(key, String.class, "a string");
    }

    public String getString(String key, String defaultValue) {
        return contains(key) ? getString(key) : defaultValue;
    }

    public long getLong(String key) {
        return require(key, Long.class, "an integer");
    }

    public long getLong(String key, long defaultValue) {
        return contains(key) ? getLong(key) : defaultValue;
    }

    /** An integer that must fit in an int. */
    public int getInt(String key) {
        long value = getLong(key);
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw error(key, "value " + value + " does not fit in a 32-bit integer");
        }
        return (int) value;
    }

    public int getInt(String key, int defaultValue) {
        return contains(key) ? getInt(key) : defaultValue;
    }

    /** A floating-point value; integers are accepted too. */
    public float getFloat(String key) {
        Object value = values.get(key);
        return switch (value) {
            case Float f -> f;
            case Double d -> d.floatValue();
            case Long l -> l.floatValue();
            case null -> throw error(key, "missing");
            default -> throw error(key, "expected a number, found " + types.get(key));
        };
    }

    public float getFloat(String key, float defaultValue) {
        return contains(key) ? getFloat(key) : defaultValue;
    }

    public boolean getBoolean(String key) {
        return require(key, Boolean.class, "a boolean");
    }

    public boolean getBoolean(String key, boolean defaultValue) {
        return contains(key) ? getBoolean(key) : defaultValue;
    }

    public GgufArray getArray(String key) {
        return require(key, GgufArray.class, "an array");
    }

    /** An array of strings (a copy). */
    public String[] getStringArray(String key) {
        GgufArray array = getArray(key);
        if (!(array.values() instanceof String[] strings)) {
            throw error(key, "expected an array of strings, found array of " + array.elementType());
        }
        return strings.clone();
    }

    /**
     * An array of FLOAT32 (or FLOAT64, narrowed), as a copy. Integer arrays are refused: a file that declares,
     * say, token scores as bytes has a different field than the one asked for.
     */
    public float[] getFloatArray(String key) {
        GgufArray array = getArray(key);
        if (array.values() instanceof float[] floats) {
            return floats.clone();
        }
        if (array.values() instanceof double[] doubles) {
            float[] floats = new float[doubles.length];
            for (int i = 0; i < doubles.length; i++) {
                floats[i] = (float) doubles[i];
            }
            return floats;
        }
        throw error(key, "expected an array of floats, found array of " + array.elementType());
    }

    /** An array of integers of any width, each of which must fit in an int. */
    public int[] getIntArray(String key) {
        GgufArray array = integerArray(key);
        int[] ints = new int[array.length()];
        for (int i = 0; i < ints.length; i++) {
            long value = array.getLong(i);
            if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
                throw error(key, "element " + i + " = " + value + " does not fit in a 32-bit integer");
            }
            ints[i] = (int) value;
        }
        return ints;
    }

    /** An array of integers of any width, widened to longs (UINT64 above {@link Long#MAX_VALUE} wraps). */
    public long[] getLongArray(String key) {
        return integerArray(key).toLongArray();
    }

    private GgufArray integerArray(String key) {
        GgufArray array = getArray(key);
        if (!array.elementType().isInteger()) {
            throw error(key, "expected an array of integers, found array of " + array.elementType());
        }
        return array;
    }

    private <T> T require(String key, Class<T> type, String what) {
        Object value = values.get(key);
        if (value == null) {
            throw error(key, "missing");
        }
        if (!type.isInstance(value)) {
            throw error(key, "expected " + what + ", found " + types.get(key));
        }
        return type.cast(value);
    }

    private GgufFormatException error(String key, String problem) {
        return new GgufFormatException(file, key, problem);
    }
}
