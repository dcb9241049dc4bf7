package io.kvasir.engine.gguf;

/**
 * A metadata array value.
 *
 * <p>Integers of every width are held as {@code long[]} (unsigned 64-bit values above
 * {@link Long#MAX_VALUE} wrap), FLOAT32 as {@code float[]}, FLOAT64 as {@code double[]}, BOOL as
 * {@code boolean[]} and STRING as {@code String[]}. Nested arrays are refused by the reader.
 *
 * @param elementType the declared element type
 * @param values the primitive or String array described above
 */
public record GgufArray(GgufValueType elementType, Object values) {

    /** The number of elements. */
    public int length() {
        return switch (values) {
            case long[] a -> a.length;
            case float[] a -> a.length;
            case double[] a -> a.length;
            case boolean[] a -> a.length;
            case String[] a -> a.length;
            default -> throw new IllegalStateException("unexpected array storage " + values.getClass());
        };
    }

    @Override
    public String toString() {
        return "array<" + elementType + ">[" + length() + "]";
    }
}
