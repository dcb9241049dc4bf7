package io.kvasir.engine.gguf.internal;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;

import io.kvasir.engine.gguf.GgmlType;
import io.kvasir.engine.gguf.GgufArray;
import io.kvasir.engine.gguf.GgufFile;
import io.kvasir.engine.gguf.GgufFormatException;
import io.kvasir.engine.gguf.GgufMetadata;
import io.kvasir.engine.gguf.GgufTensor;
import io.kvasir.engine.gguf.GgufValueType;

/**
 * Reads a GGUF header line by line as the format lays it out, trusting nothing.
 *
 * <p>Layout (little-endian): magic "GGUF", u32 version, u64 tensor count, u64 key/value count, the
 * key/value pairs (string key, u32 type, value), the tensor infos (string name, u32 rank, u64 dims[rank],
 * u32 type, u64 offset relative to the data section), padding to {@code general.alignment}, then the data.
 *
 * <p>Checks: every count is bounded by the bytes left divided by the smallest possible item, so no
 * allocation exceeds the file; strings and arrays must fit in the remaining bytes; keys are non-empty and
 * unique; the alignment is a power of two no larger than {@link #MAX_ALIGNMENT}; tensors have rank 1..4,
 * positive dimensions whose product neither overflows nor breaks the type's block size, a known type, an
 * aligned offset, and data inside the file.
 */
public final class GgufParser {

    /** "GGUF" read as a little-endian u32. */
    public static final int MAGIC = 0x46554747;
    private static final int MAX_ALIGNMENT = GgufFile.MAX_ALIGNMENT;
    private static final int MAX_DIMS = GgufFile.MAX_DIMS;
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int INITIAL_TENSOR_CAPACITY = 1024;
    /** Smallest key/value pair: empty-length key (refused later, but counted), type, one byte of value. */
    private static final int MIN_KV_BYTES = 8 + 4 + 1;
    /** Smallest tensor info: name length, rank, one dimension, type, offset. */
    private static final int MIN_TENSOR_INFO_BYTES = 8 + 4 + 8 + 4 + 8;

    /** What the header says. */
    public record Result(int version, long alignment, long dataOffset, GgufMetadata metadata, List<GgufTensor> tensors) {
    }

    private final Path path;
    private final MemorySegment file;
    private final long size;
    private long pos;

    public GgufParser(Path path, MemorySegment file) {
        this.path = path;
        this.file = file;
        this.size = file.byteSize();
    }

    public Result parse() {
        need(4, "magic");
        int magic = file.get(U32, 0);
        if (magic != MAGIC) {
            throw fail("magic", String.format("not a GGUF file (magic 0x%08x, expected 0x%08x \"GGUF\")", magic, MAGIC));
        }
        pos = 4;
        int version = readU32("version");
        if (version == 0x03000000 || version == 0x02000000) {
            throw fail("version", "big-endian GGUF files are not supported");
        }
        if (version != 2 && version != 3) {
            throw fail("version", "unsupported version " + Integer.toUnsignedString(version) + " (supported: 2, 3)");
        }
        long numTensors = readCount("tensor_count", MIN_TENSOR_INFO_BYTES, 8);
        if (numTensors > Integer.MAX_VALUE - 8) {
            throw fail("tensor_count", "count " + numTensors + " exceeds what a tensor list can hold");
        }
        long numKv = readCount("metadata_kv_count", MIN_KV_BYTES, 0);

        LinkedHashMap<String, Object> values = new LinkedHashMap<>();
        LinkedHashMap<String, GgufValueType> types = new LinkedHashMap<>();
        for (long i = 0; i < numKv; i++) {
            String key = readString("metadata key #" + i);
            if (key.isEmpty()) {
                throw fail("metadata key #" + i, "empty key");
            }
            if (values.containsKey(key)) {
                throw fail(key, "duplicate key");
            }
            GgufValueType type = readValueType(key);
            values.put(key, readValue(key, type));
            types.put(key, type);
        }
        GgufMetadata metadata = GgufMetadata.of(path, values, types);
        long alignment = alignmentOf(metadata);

        // The count is bounded by the file, but a large file still allows a capacity no honest header needs.
        List<RawTensor> raw = new ArrayList<>((int) Math.min(numTensors, INITIAL_TENSOR_CAPACITY));
        Set<String> names = new HashSet<>();
        for (long i = 0; i < numTensors; i++) {
            RawTensor tensor = readTensorInfo(i);
            if (!names.add(tensor.name)) {
                throw fail(tensor.name, "duplicate tensor name");
            }
            raw.add(tensor);
        }
        long dataOffset = alignUp(pos, alignment, "data section");
        if (dataOffset > size && !raw.isEmpty()) {
            throw fail("data section", "starts at " + dataOffset + ", past the end of the file (" + size + " bytes)");
        }
        List<GgufTensor> tensors = new ArrayList<>(raw.size());
        for (RawTensor t : raw) {
            tensors.add(slice(t, dataOffset, alignment));
        }
        return new Result(version, alignment, dataOffset, metadata, tensors);
    }

    private record RawTensor(String name, GgmlType type, long[] dims, long relativeOffset, long byteSize) {
    }

    private RawTensor readTensorInfo(long index) {
        String name = readString("tensor #" + index + " name");
        if (name.isEmpty()) {
            throw fail("tensor #" + index + " name", "empty name");
        }
        int rank = readU32(name + " n_dims");
        if (rank < 1 || rank > MAX_DIMS) {
            throw fail(name + " n_dims", "rank " + Integer.toUnsignedString(rank) + " outside 1.." + MAX_DIMS);
        }
        long[] dims = new long[rank];
        long numElements = 1;
        for (int d = 0; d < rank; d++) {
            dims[d] = readU64(name + " ne[" + d + "]");
            if (dims[d] <= 0) {
                throw fail(name + " ne[" + d + "]", "dimension " + Long.toUnsignedString(dims[d]) + " must be positive");
            }
            try {
                numElements = Math.multiplyExact(numElements, dims[d]);
            } catch (ArithmeticException overflow) {
                throw fail(name + " dims", "element count overflows 64 bits");
            }
        }
        long typeId = Integer.toUnsignedLong(readU32(name + " type"));
        GgmlType type = GgmlType.fromId(typeId);
        if (type == null) {
            throw fail(name + " type", "unknown tensor type " + typeId);
        }
        if (dims[0] % type.blockSize() != 0) {
            throw fail(name + " ne[0]", "row of " + dims[0] + " elements is not a whole number of "
                    + type + " blocks of " + type.blockSize());
        }
        long byteSize;
        try {
            byteSize = type.byteSize(numElements);
        } catch (ArithmeticException overflow) {
            throw fail(name + " dims", "byte size overflows 64 bits");
        }
        long offset = readU64(name + " offset");
        return new RawTensor(name, type, dims, offset, byteSize);
    }

    private GgufTensor slice(RawTensor t, long dataOffset, long alignment) {
        if (t.relativeOffset >= 0 && t.relativeOffset % alignment != 0) {
            throw fail(t.name + " offset", "offset " + t.relativeOffset + " is not a multiple of the alignment " + alignment);
        }
        long start = dataOffset + t.relativeOffset;
        if (t.relativeOffset < 0 || start < dataOffset || start > size || t.byteSize > size - start) {
            throw fail(t.name + " offset", "data [" + Long.toUnsignedString(t.relativeOffset) + ", +" + t.byteSize
                    + ") lies past the end of the file (" + (size - Math.min(size, dataOffset)) + " data bytes)");
        }
        return new GgufTensor(t.name, t.type, t.dims, start, file.asSlice(start, t.byteSize));
    }

    private long alignmentOf(GgufMetadata metadata) {
        if (!metadata.contains("general.alignment")) {
            return GgufFile.DEFAULT_ALIGNMENT;
        }
        long alignment = metadata.getLong("general.alignment");
        if (alignment <= 0 || alignment > MAX_ALIGNMENT || Long.bitCount(alignment) != 1) {
            throw fail("general.alignment", "alignment " + Long.toUnsignedString(alignment)
                    + " must be a power of two between 1 and " + MAX_ALIGNMENT);
        }
        return alignment;
    }

    private Object readValue(String key, GgufValueType type) {
        return switch (type) {
            case UINT8 -> (long) readU8(key);
            case INT8 -> (long) readI8(key);
            case UINT16 -> (long) (readU16(key) & 0xFFFF);
            case INT16 -> (long) readU16(key);
            case UINT32 -> Integer.toUnsignedLong(readU32(key));
            case INT32 -> (long) readU32(key);
            case UINT64, INT64 -> readU64(key);
            case FLOAT32 -> readF32(key);
            case FLOAT64 -> readF64(key);
            case BOOL -> readBool(key);
            case STRING -> readString(key);
            case ARRAY -> readArray(key);
        };
    }

    private GgufArray readArray(String key) {
        GgufValueType elementType = readValueType(key + " element type");
        if (elementType == GgufValueType.ARRAY) {
            throw fail(key, "nested arrays are not supported");
        }
        int minElementBytes = elementType == GgufValueType.STRING ? 8 : elementType.size();
        long count = readU64(key + " length");
        long left = size - pos;
        if (count < 0 || count > left / minElementBytes || count > Integer.MAX_VALUE - 8) {
            throw fail(key, "array length " + Long.toUnsignedString(count) + " of " + elementType
                    + " does not fit in the " + left + " bytes left in the file");
        }
        int n = (int) count;
        Object values = switch (elementType) {
            case UINT8, INT8 -> copyArray(ValueLayout.JAVA_BYTE, new byte[n], n);
            case UINT16, INT16 -> copyArray(U16, new short[n], n);
            case UINT32, INT32 -> copyArray(U32, new int[n], n);
            case UINT64, INT64 -> copyArray(U64, new long[n], n);
            case FLOAT32 -> copyArray(F32, new float[n], n);
            case FLOAT64 -> copyArray(F64, new double[n], n);
            case BOOL -> {
                boolean[] a = new boolean[n];
                for (int i = 0; i < n; i++) {
                    a[i] = readBool(key);
                }
                yield a;
            }
            case STRING -> {
                String[] a = new String[n];
                for (int i = 0; i < n; i++) {
                    a[i] = readString(key);
                }
                yield a;
            }
            case ARRAY -> throw new AssertionError("refused above");
        };
        return new GgufArray(elementType, values);
    }

    /** Bulk copy of {@code n} elements whose bytes the caller has already bounded by the file. */
    private Object copyArray(ValueLayout layout, Object array, int n) {
        MemorySegment.copy(file, layout, pos, array, 0, n);
        pos += layout.byteSize() * n;
        return array;
    }

    private GgufValueType readValueType(String field) {
        long id = Integer.toUnsignedLong(readU32(field + " type"));
        GgufValueType type = GgufValueType.fromId(id);
        if (type == null) {
            throw fail(field, "unknown value type " + id);
        }
        return type;
    }

    private long readCount(String field, int minItemBytes, int reservedBytes) {
        long count = readU64(field);
        long left = size - pos - reservedBytes;
        if (count < 0 || count > Math.max(0, left) / minItemBytes) {
            throw fail(field, "count " + Long.toUnsignedString(count) + " cannot fit in a file of " + size + " bytes");
        }
        return count;
    }

    private String readString(String field) {
        long length = readU64(field + " length");
        if (length < 0 || length > size - pos || length > Integer.MAX_VALUE - 8) {
            throw fail(field, "string length " + Long.toUnsignedString(length) + " runs past the end of the file");
        }
        if (length == 0) {
            return "";
        }
        byte[] bytes = new byte[(int) length];
        MemorySegment.copy(file, ValueLayout.JAVA_BYTE, pos, bytes, 0, bytes.length);
        pos += length;
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private int readU8(String field) {
        need(1, field);
        return Byte.toUnsignedInt(file.get(ValueLayout.JAVA_BYTE, pos++));
    }

    private int readI8(String field) {
        need(1, field);
        return file.get(ValueLayout.JAVA_BYTE, pos++);
    }

    private boolean readBool(String field) {
        int value = readU8(field);
        if (value > 1) {
            throw fail(field, "boolean byte " + value + " is neither 0 nor 1");
        }
        return value == 1;
    }

    private short readU16(String field) {
        need(2, field);
        short value = file.get(U16, pos);
        pos += 2;
        return value;
    }

    private int readU32(String field) {
        need(4, field);
        int value = file.get(U32, pos);
        pos += 4;
        return value;
    }

    private long readU64(String field) {
        need(8, field);
        long value = file.get(U64, pos);
        pos += 8;
        return value;
    }

    private float readF32(String field) {
        need(4, field);
        float value = file.get(F32, pos);
        pos += 4;
        return value;
    }

    private double readF64(String field) {
        need(8, field);
        double value = file.get(F64, pos);
        pos += 8;
        return value;
    }

    private void need(long bytes, String field) {
        if (pos + bytes > size) {
            throw fail(field, "file truncated at byte " + pos + " (" + size + " bytes in the file)");
        }
    }

    private long alignUp(long offset, long alignment, String field) {
        long aligned = (offset + alignment - 1) & -alignment;
        if (aligned < offset) {
            throw fail(field, "offset overflows");
        }
        return aligned;
    }

    private GgufFormatException fail(String field, String problem) {
        return new GgufFormatException(path, field, problem);
    }
}
