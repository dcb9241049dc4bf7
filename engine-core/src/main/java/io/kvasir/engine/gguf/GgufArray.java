package io.kvasir.engine.gguf;

import java.util.Arrays;
import java.util.Objects;

/**
 * A metadata array value, held in the width the file declares so that it never takes more memory than its
 * bytes in the file.
 *
 * <p>Storage by element type: UINT8/INT8 as {@code byte[]}, UINT16/INT16 as {@code short[]}, UINT32/INT32 as
 * {@code int[]}, UINT64/INT64 as {@code long[]}, FLOAT32 as {@code float[]}, FLOAT64 as {@code double[]}, BOOL
 * as {@code boolean[]}, STRING as {@code String[]}. Unsigned elements are stored as their bit pattern; read them
 * with {@link #getLong(int)} or {@link #toLongArray()}, which widen them correctly (UINT64 above
 * {@link Long#MAX_VALUE} wraps). Nested arrays do not exist in Kvasir: the element type is never ARRAY.
 *
 * <p>The storage array is not copied: do not modify it. Two arrays are equal when their element types and
 * contents are.
 *
 * @param elementType the declared element type
 * @param values the primitive or String array described above
 */
public record GgufArray(GgufValueType elementType, Object values) {

    /**
     * @throws IllegalArgumentException if the element type is ARRAY or the storage does not match it
     */
    public GgufArray {
        Objects.requireNonNull(elementType, "elementType");
        Objects.requireNonNull(values, "values");
        Class<?> expected = storageOf(elementType);
        if (values.getClass() != expected) {
            throw new IllegalArgumentException("elementType " + elementType + " needs a "
                    + expected.getSimpleName() + ", got " + values.getClass().getSimpleName());
        }
        if (values instanceof String[] strings) {
            for (int i = 0; i < strings.length; i++) {
                if (strings[i] == null) {
                    throw new IllegalArgumentException("values[" + i + "] is null");
                }
            }
        }
    }

    /**
     * An integer array of the given element type, each value checked against the type's range (for UINT64 and
     * INT64 every long is accepted; UINT64 takes the bit pattern).
     *
     * @throws IllegalArgumentException if the type is not an integer type or a value does not fit it
     */
    public static GgufArray ofIntegers(GgufValueType elementType, long... values) {
        if (!elementType.isInteger()) {
            throw new IllegalArgumentException("elementType " + elementType + " is not an integer type");
        }
        for (int i = 0; i < values.length; i++) {
            if (!elementType.fits(values[i])) {
                throw new IllegalArgumentException("values[" + i + "] = " + values[i] + " does not fit " + elementType);
            }
        }
        int n = values.length;
        Object storage = switch (elementType) {
            case UINT8, INT8 -> {
                byte[] a = new byte[n];
                for (int i = 0; i < n; i++) {
                    a[i] = (byte) values[i];
                }
                yield a;
            }
            case UINT16, INT16 -> {
                short[] a = new short[n];
                for (int i = 0; i < n; i++) {
                    a[i] = (short) values[i];
                }
                yield a;
            }
            case UINT32, INT32 -> {
                int[] a = new int[n];
                for (int i = 0; i < n; i++) {
                    a[i] = (int) values[i];
                }
                yield a;
            }
            default -> values.clone();
        };
        return new GgufArray(elementType, storage);
    }

    /** The Java array class that holds elements of this type. */
    static Class<?> storageOf(GgufValueType elementType) {
        return switch (elementType) {
            case UINT8, INT8 -> byte[].class;
            case UINT16, INT16 -> short[].class;
            case UINT32, INT32 -> int[].class;
            case UINT64, INT64 -> long[].class;
            case FLOAT32 -> float[].class;
            case FLOAT64 -> double[].class;
            case BOOL -> boolean[].class;
            case STRING -> String[].class;
            case ARRAY -> throw new IllegalArgumentException("nested arrays are not supported");
        };
    }

    /** The number of elements. */
    public int length() {
        return switch (values) {
            case byte[] a -> a.length;
            case short[] a -> a.length;
            case int[] a -> a.length;
            case long[] a -> a.length;
            case float[] a -> a.length;
            case double[] a -> a.length;
            case boolean[] a -> a.length;
            case String[] a -> a.length;
            default -> throw new IllegalStateException("unexpected array storage " + values.getClass());
        };
    }

    /**
     * Element {@code index} of an integer array, widened by its declared signedness.
     *
     * @throws IllegalStateException if this is not an integer array
     */
    public long getLong(int index) {
        return switch (elementType) {
            case UINT8 -> Byte.toUnsignedLong(((byte[]) values)[index]);
            case INT8 -> ((byte[]) values)[index];
            case UINT16 -> Short.toUnsignedLong(((short[]) values)[index]);
            case INT16 -> ((short[]) values)[index];
            case UINT32 -> Integer.toUnsignedLong(((int[]) values)[index]);
            case INT32 -> ((int[]) values)[index];
            case UINT64, INT64 -> ((long[]) values)[index];
            default -> throw new IllegalStateException("array of " + elementType + " holds no integers");
        };
    }

    /**
     * The elements of an integer array widened to longs (a new array).
     *
     * @throws IllegalStateException if this is not an integer array
     */
    public long[] toLongArray() {
        if (!elementType.isInteger()) {
            throw new IllegalStateException("array of " + elementType + " holds no integers");
        }
        long[] result = new long[length()];
        for (int i = 0; i < result.length; i++) {
            result[i] = getLong(i);
        }
        return result;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof GgufArray that && that.elementType == elementType
                && Objects.deepEquals(that.values, values);
    }

    @Override
    public int hashCode() {
        return elementType.hashCode() * 31 + Arrays.deepHashCode(new Object[] {values});
    }

    @Override
    public String toString() {
        return "array<" + elementType + ">[" + length() + "]";
    }
}
