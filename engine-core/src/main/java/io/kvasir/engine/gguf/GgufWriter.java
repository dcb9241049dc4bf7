package io.kvasir.engine.gguf;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

import io.kvasir.engine.gguf.internal.GgufOutput;
import io.kvasir.engine.gguf.internal.GgufParser;

/**
 * Writes GGUF version 3 files (little-endian), streaming tensor data so that a file larger than the heap can
 * be written.
 *
 * <pre>{@code
 * GgufWriter.builder()
 *         .put("general.architecture", "llama")
 *         .putU32("llama.block_count", 2)
 *         .putArray("tokenizer.ggml.tokens", "<unk>", "<s>", "</s>")
 *         .tensor("token_embd.weight", new long[] {64, 3}, embeddings)
 *         .tensor("output.weight", GgmlType.Q8_0, new long[] {64, 3}, out -> writeQuantised(out))
 *         .write(path);
 * }</pre>
 *
 * <p>Layout: magic, version, tensor count, key/value count; the pairs and then the tensor infos, each in the
 * order they were added; when there are tensors, zero padding to the alignment and each tensor's data, padded
 * to the alignment (as llama.cpp writes them: a file without tensors ends after its last key/value pair). The
 * alignment is {@code general.alignment} when put (any integer type), else {@link GgufFile#DEFAULT_ALIGNMENT}.
 *
 * <p>The builder refuses, with an {@link IllegalArgumentException} naming the key or tensor, whatever
 * {@link GgufFile#open} would refuse: empty or duplicate keys and tensor names, tensor names longer than
 * {@link #MAX_TENSOR_NAME_BYTES}, strings with unpaired surrogates, integers outside their type, an
 * alignment that is not a power of two up to {@link GgufFile#MAX_ALIGNMENT}, ranks outside 1..4, dimensions
 * that are not positive, sizes that overflow, data of the wrong length.
 *
 * <p>The file is written beside its destination and moved into place when complete, so a failed write
 * never leaves a partial file at the path.
 */
public final class GgufWriter {

    /** The format version written. */
    public static final int VERSION = 3;

    /** The GGUF specification's limit on tensor names, in UTF-8 bytes. */
    public static final int MAX_TENSOR_NAME_BYTES = 64;

    private static final String ALIGNMENT_KEY = "general.alignment";

    private final List<Entry> entries;
    private final List<TensorEntry> tensors;
    private final long alignment;

    private GgufWriter(List<Entry> entries, List<TensorEntry> tensors, long alignment) {
        this.entries = List.copyOf(entries);
        this.tensors = List.copyOf(tensors);
        this.alignment = alignment;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The alignment of tensor data in the file. */
    public long alignment() {
        return alignment;
    }

    /** The metadata that will be written, as {@link GgufFile#metadata()} will read it back. */
    public GgufMetadata metadata() {
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, GgufValueType> types = new LinkedHashMap<>();
        for (Entry entry : entries) {
            values.put(entry.key, entry.value);
            types.put(entry.key, entry.type);
        }
        return GgufMetadata.of(null, values, types);
    }

    /**
     * Writes the file, replacing any file at {@code path}. Tensor sources are called in the order the
     * tensors were added.
     *
     * @throws IOException if writing fails or a tensor source writes the wrong number of bytes; nothing is
     *         left at {@code path} then (a file already there stays as it was)
     */
    public void write(Path path) throws IOException {
        Path target = path.toAbsolutePath();
        Path partial = target.resolveSibling("." + target.getFileName() + "."
                + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".part");
        boolean moved = false;
        try {
            try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                writeTo(channel);
            }
            try {
                Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
            }
            moved = true;
        } finally {
            if (!moved) {
                Files.deleteIfExists(partial);
            }
        }
    }

    private void writeTo(WritableByteChannel channel) throws IOException {
        GgufOutput out = new GgufOutput(channel);
        out.u32(GgufParser.MAGIC);
        out.u32(VERSION);
        out.u64(tensors.size());
        out.u64(entries.size());
        for (Entry entry : entries) {
            out.string(utf8(entry.key));
            out.u32(entry.type.id());
            writeValue(out, entry.type, entry.value);
        }
        long relativeOffset = 0;
        for (TensorEntry tensor : tensors) {
            out.string(utf8(tensor.name));
            out.u32(tensor.dims.length);
            for (long dim : tensor.dims) {
                out.u64(dim);
            }
            out.u32(tensor.type.id());
            out.u64(relativeOffset);
            relativeOffset = alignUp(relativeOffset + tensor.byteSize, alignment);
        }
        if (!tensors.isEmpty()) {
            out.padTo(alignment);
        }
        for (TensorEntry tensor : tensors) {
            GgufOutput.BoundedStream data = out.boundedStream(tensor.byteSize);
            try {
                tensor.source.writeTo(data);
            } catch (IOException e) {
                throw new IOException("tensor " + tensor.name + ": " + e.getMessage(), e);
            }
            if (data.remaining() != 0) {
                throw new IOException("tensor " + tensor.name + ": source wrote " + (tensor.byteSize - data.remaining())
                        + " of its " + tensor.byteSize + " bytes");
            }
            out.padTo(alignment);
        }
        out.flush();
    }

    private static void writeValue(GgufOutput out, GgufValueType type, Object value) throws IOException {
        switch (type) {
            case UINT8, INT8 -> out.u8((int) (long) (Long) value);
            case UINT16, INT16 -> out.u16((int) (long) (Long) value);
            case UINT32, INT32 -> out.u32((int) (long) (Long) value);
            case UINT64, INT64 -> out.u64((Long) value);
            case FLOAT32 -> out.f32((Float) value);
            case FLOAT64 -> out.f64((Double) value);
            case BOOL -> out.u8((Boolean) value ? 1 : 0);
            case STRING -> out.string(utf8((String) value));
            case ARRAY -> writeArray(out, (GgufArray) value);
        }
    }

    private static void writeArray(GgufOutput out, GgufArray array) throws IOException {
        out.u32(array.elementType().id());
        out.u64(array.length());
        switch (array.values()) {
            case byte[] a -> out.bytes(a, 0, a.length);
            case short[] a -> {
                for (short v : a) {
                    out.u16(v);
                }
            }
            case int[] a -> {
                for (int v : a) {
                    out.u32(v);
                }
            }
            case long[] a -> {
                for (long v : a) {
                    out.u64(v);
                }
            }
            case float[] a -> {
                for (float v : a) {
                    out.f32(v);
                }
            }
            case double[] a -> {
                for (double v : a) {
                    out.f64(v);
                }
            }
            case boolean[] a -> {
                for (boolean v : a) {
                    out.u8(v ? 1 : 0);
                }
            }
            case String[] a -> {
                for (String v : a) {
                    out.string(utf8(v));
                }
            }
            default -> throw new IllegalStateException("unexpected array storage " + array.values().getClass());
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static long alignUp(long offset, long alignment) {
        return Math.addExact(offset, alignment - 1) & -alignment;
    }

    private record Entry(String key, GgufValueType type, Object value) {
    }

    private record TensorEntry(String name, GgmlType type, long[] dims, long byteSize, TensorSource source) {
    }

    /** Collects metadata and tensors; see {@link GgufWriter} for what it refuses. Not thread-safe. */
    public static final class Builder {

        private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>();
        private final LinkedHashMap<String, TensorEntry> tensors = new LinkedHashMap<>();

        private Builder() {
        }

        public Builder put(String key, String value) {
            return put(key, GgufValueType.STRING, value);
        }

        public Builder put(String key, boolean value) {
            return put(key, GgufValueType.BOOL, value);
        }

        public Builder putU8(String key, int value) {
            return put(key, GgufValueType.UINT8, (long) value);
        }

        public Builder putI8(String key, int value) {
            return put(key, GgufValueType.INT8, (long) value);
        }

        public Builder putU16(String key, int value) {
            return put(key, GgufValueType.UINT16, (long) value);
        }

        public Builder putI16(String key, int value) {
            return put(key, GgufValueType.INT16, (long) value);
        }

        public Builder putU32(String key, long value) {
            return put(key, GgufValueType.UINT32, value);
        }

        public Builder putI32(String key, int value) {
            return put(key, GgufValueType.INT32, (long) value);
        }

        /** A UINT64; values above {@link Long#MAX_VALUE} are given as their (negative) bit pattern. */
        public Builder putU64(String key, long value) {
            return put(key, GgufValueType.UINT64, value);
        }

        public Builder putI64(String key, long value) {
            return put(key, GgufValueType.INT64, value);
        }

        public Builder putF32(String key, float value) {
            return put(key, GgufValueType.FLOAT32, value);
        }

        public Builder putF64(String key, double value) {
            return put(key, GgufValueType.FLOAT64, value);
        }

        /** The alignment of tensor data, written as {@code general.alignment} (UINT32). */
        public Builder alignment(int alignment) {
            return putU32(ALIGNMENT_KEY, alignment);
        }

        /**
         * A value of any type, held as {@link GgufMetadata} holds it: integers as {@link Long} (or a narrower
         * boxed integer), FLOAT32 as {@link Float}, FLOAT64 as {@link Double}, BOOL as {@link Boolean}, STRING
         * as {@link String}, ARRAY as {@link GgufArray}.
         *
         * @throws IllegalArgumentException naming the key if it is empty or already put, or the value does not
         *         fit the type
         */
        public Builder put(String key, GgufValueType type, Object value) {
            checkKey(key);
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(value, () -> key + ": value");
            Object stored = switch (type) {
                case UINT8, INT8, UINT16, INT16, UINT32, INT32, UINT64, INT64 -> {
                    if (!(value instanceof Long || value instanceof Integer || value instanceof Short
                            || value instanceof Byte)) {
                        throw wrongValue(key, type, value);
                    }
                    long v = ((Number) value).longValue();
                    if (!type.fits(v)) {
                        throw new IllegalArgumentException(key + ": " + v + " does not fit " + type);
                    }
                    yield v;
                }
                case FLOAT32 -> requireInstance(key, type, value, Float.class);
                case FLOAT64 -> requireInstance(key, type, value, Double.class);
                case BOOL -> requireInstance(key, type, value, Boolean.class);
                case STRING -> checkText(key, requireInstance(key, type, value, String.class));
                case ARRAY -> checkArray(key, requireInstance(key, type, value, GgufArray.class));
            };
            if (key.equals(ALIGNMENT_KEY)) {
                checkAlignment(type, stored);
            }
            entries.put(key, new Entry(key, type, stored));
            return this;
        }

        /** Every entry of {@code metadata}, in its order. */
        public Builder putAll(GgufMetadata metadata) {
            for (String key : metadata.keys()) {
                put(key, Objects.requireNonNull(metadata.typeOf(key)), Objects.requireNonNull(metadata.get(key)));
            }
            return this;
        }

        /** An array of strings. */
        public Builder putArray(String key, String... values) {
            return putArray(key, new GgufArray(GgufValueType.STRING, values.clone()));
        }

        /** An array of FLOAT32. */
        public Builder putArray(String key, float... values) {
            return putArray(key, new GgufArray(GgufValueType.FLOAT32, values.clone()));
        }

        /** An array of FLOAT64. */
        public Builder putArray(String key, double... values) {
            return putArray(key, new GgufArray(GgufValueType.FLOAT64, values.clone()));
        }

        /** An array of BOOL. */
        public Builder putArray(String key, boolean... values) {
            return putArray(key, new GgufArray(GgufValueType.BOOL, values.clone()));
        }

        /** An array of INT32 (llama.cpp's type for {@code tokenizer.ggml.token_type}). */
        public Builder putArray(String key, int... values) {
            return putArray(key, new GgufArray(GgufValueType.INT32, values.clone()));
        }

        /**
         * An array of any integer type, each value checked against it.
         *
         * @throws IllegalArgumentException if the type is not an integer type or a value does not fit it
         */
        public Builder putArray(String key, GgufValueType elementType, long... values) {
            GgufArray array;
            try {
                array = GgufArray.ofIntegers(elementType, values);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
            }
            return putArray(key, array);
        }

        /** An array of any element type. */
        public Builder putArray(String key, GgufArray array) {
            return put(key, GgufValueType.ARRAY, array);
        }

        /**
         * A tensor whose bytes are in memory (not copied: do not change them before the file is written).
         *
         * @param dims GGUF order: {@code dims[0]} is the innermost dimension
         * @throws IllegalArgumentException naming the tensor if the shape is invalid or the length wrong
         */
        public Builder tensor(String name, GgmlType type, long[] dims, byte[] data) {
            long byteSize = checkTensor(name, type, dims);
            if (data.length != byteSize) {
                throw new IllegalArgumentException(name + ": " + type + " " + Arrays.toString(dims)
                        + " needs " + byteSize + " bytes, data has " + data.length);
            }
            return add(name, type, dims, byteSize, TensorSource.of(data));
        }

        /**
         * An F32 tensor (not copied: do not change the values before the file is written).
         *
         * @throws IllegalArgumentException naming the tensor if the shape is invalid or the length wrong
         */
        public Builder tensor(String name, long[] dims, float[] data) {
            long byteSize = checkTensor(name, GgmlType.F32, dims);
            if (4L * data.length != byteSize) {
                throw new IllegalArgumentException(name + ": " + Arrays.toString(dims) + " needs "
                        + byteSize / 4 + " floats, data has " + data.length);
            }
            return add(name, GgmlType.F32, dims, byteSize, TensorSource.ofFloats(data));
        }

        /**
         * A tensor whose bytes {@code source} writes while the file is written.
         *
         * @throws IllegalArgumentException naming the tensor if the shape is invalid
         */
        public Builder tensor(String name, GgmlType type, long[] dims, TensorSource source) {
            long byteSize = checkTensor(name, type, dims);
            return add(name, type, dims, byteSize, Objects.requireNonNull(source, "source"));
        }

        /** The writer for what was added; the builder may go on being used. */
        public GgufWriter build() {
            Entry alignmentEntry = entries.get(ALIGNMENT_KEY);
            long alignment = alignmentEntry == null ? GgufFile.DEFAULT_ALIGNMENT : (Long) alignmentEntry.value;
            return new GgufWriter(new ArrayList<>(entries.values()), new ArrayList<>(tensors.values()), alignment);
        }

        /** Shorthand for {@code build().write(path)}. */
        public void write(Path path) throws IOException {
            build().write(path);
        }

        private Builder add(String name, GgmlType type, long[] dims, long byteSize, TensorSource source) {
            tensors.put(name, new TensorEntry(name, type, dims.clone(), byteSize, source));
            return this;
        }

        private void checkKey(String key) {
            Objects.requireNonNull(key, "key");
            if (key.isEmpty()) {
                throw new IllegalArgumentException("key must not be empty");
            }
            checkText("key", key);
            if (entries.containsKey(key)) {
                throw new IllegalArgumentException(key + ": key already put");
            }
        }

        private long checkTensor(String name, GgmlType type, long[] dims) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, () -> name + ": type");
            Objects.requireNonNull(dims, () -> name + ": dims");
            if (name.isEmpty()) {
                throw new IllegalArgumentException("tensor name must not be empty");
            }
            checkText("tensor name", name);
            if (utf8(name).length > MAX_TENSOR_NAME_BYTES) {
                throw new IllegalArgumentException(name + ": tensor name longer than " + MAX_TENSOR_NAME_BYTES + " bytes");
            }
            if (tensors.containsKey(name)) {
                throw new IllegalArgumentException(name + ": tensor already added");
            }
            if (dims.length < 1 || dims.length > GgufFile.MAX_DIMS) {
                throw new IllegalArgumentException(name + ": rank " + dims.length + " outside 1.." + GgufFile.MAX_DIMS);
            }
            long numElements = 1;
            for (int d = 0; d < dims.length; d++) {
                if (dims[d] <= 0) {
                    throw new IllegalArgumentException(name + ": dims[" + d + "] = " + dims[d] + " must be positive");
                }
                try {
                    numElements = Math.multiplyExact(numElements, dims[d]);
                } catch (ArithmeticException e) {
                    throw new IllegalArgumentException(name + ": element count overflows 64 bits", e);
                }
            }
            if (dims[0] % type.blockSize() != 0) {
                throw new IllegalArgumentException(name + ": dims[0] = " + dims[0] + " is not a whole number of "
                        + type + " blocks of " + type.blockSize());
            }
            try {
                return type.byteSize(numElements);
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException(name + ": byte size overflows 64 bits", e);
            }
        }

        private static GgufArray checkArray(String key, GgufArray array) {
            if (array.values() instanceof String[] strings) {
                for (String s : strings) {
                    checkText(key, s);
                }
            }
            return array;
        }

        private static void checkAlignment(GgufValueType type, Object value) {
            if (!type.isInteger()) {
                throw new IllegalArgumentException(ALIGNMENT_KEY + ": must be an integer, got " + type);
            }
            long alignment = (Long) value;
            if (alignment <= 0 || alignment > GgufFile.MAX_ALIGNMENT || Long.bitCount(alignment) != 1) {
                throw new IllegalArgumentException(ALIGNMENT_KEY + ": " + Long.toUnsignedString(alignment)
                        + " is not a power of two between 1 and " + GgufFile.MAX_ALIGNMENT);
            }
        }

        /** UTF-8 cannot carry unpaired surrogates; refusing them keeps written text equal to text read back. */
        private static String checkText(String what, String text) {
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                } else if (Character.isSurrogate(c)) {
                    throw new IllegalArgumentException(what + ": unpaired surrogate at index " + i);
                }
            }
            return text;
        }

        private static <T> T requireInstance(String key, GgufValueType type, Object value, Class<T> javaType) {
            if (!javaType.isInstance(value)) {
                throw wrongValue(key, type, value);
            }
            return javaType.cast(value);
        }

        private static IllegalArgumentException wrongValue(String key, GgufValueType type, Object value) {
            return new IllegalArgumentException(key + ": " + type + " cannot hold a " + value.getClass().getSimpleName());
        }
    }
}
