package io.kvasir.engine.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.kvasir.engine.testing.SharedFiles;

class GgufWriterTest {

    @TempDir
    Path dir;

    @Test
    void roundTripsScalarsOfEveryTypeIncludingTheirExtremes() throws IOException {
        GgufWriter writer = GgufWriter.builder()
                .putU8("u8.max", 255).putU8("u8.min", 0)
                .putI8("i8.min", -128).putI8("i8.max", 127)
                .putU16("u16.max", 65535).putI16("i16.min", -32768).putI16("i16.max", 32767)
                .putU32("u32.max", 0xFFFF_FFFFL).putI32("i32.min", Integer.MIN_VALUE)
                .putU64("u64.max", -1L).putI64("i64.min", Long.MIN_VALUE).putI64("i64.max", Long.MAX_VALUE)
                .putF32("f32", 1e-5f).putF32("f32.nan", Float.NaN).putF32("f32.neg_inf", Float.NEGATIVE_INFINITY)
                .putF64("f64", Math.PI).putF64("f64.min_normal", Double.MIN_NORMAL)
                .put("bool.true", true).put("bool.false", false)
                .put("string", "llama").put("string.empty", "").put("string.unicode", "Kvasir ▁ünï 🦙 中文")
                .build();
        Path file = dir.resolve("scalars.gguf");
        writer.write(file);

        try (GgufFile gguf = GgufFile.open(file)) {
            assertSameMetadata(gguf.metadata(), writer.metadata());
            assertThat(gguf.version()).isEqualTo(3);
            assertThat(gguf.tensors()).isEmpty();
            assertThat(gguf.metadata().getLong("u64.max")).isEqualTo(-1L);
            assertThat(gguf.metadata().getLong("u32.max")).isEqualTo(0xFFFF_FFFFL);
            assertThat(gguf.metadata().getInt("i8.min")).isEqualTo(-128);
            assertThat(gguf.metadata().getFloat("f32")).isEqualTo(1e-5f);
            assertThat(gguf.metadata().getString("string.unicode")).isEqualTo("Kvasir ▁ünï 🦙 中文");
        }
    }

    @Test
    void roundTripsArraysOfEveryElementType() throws IOException {
        GgufWriter writer = GgufWriter.builder()
                .putArray("u8", GgufValueType.UINT8, 0, 1, 255)
                .putArray("i8", GgufValueType.INT8, -128, 0, 127)
                .putArray("u16", GgufValueType.UINT16, 0, 65535)
                .putArray("i16", GgufValueType.INT16, -32768, 32767)
                .putArray("u32", GgufValueType.UINT32, 0, 0xFFFF_FFFFL)
                .putArray("i32", -1, 0, Integer.MAX_VALUE)
                .putArray("u64", GgufValueType.UINT64, -1L, 0)
                .putArray("i64", GgufValueType.INT64, Long.MIN_VALUE, Long.MAX_VALUE)
                .putArray("f32", 0.5f, -0f, Float.MAX_VALUE)
                .putArray("f64", 0.25, Double.MIN_VALUE)
                .putArray("bool", true, false, true)
                .putArray("string", "<unk>", "", "▁the", "🦙")
                .putArray("empty.string", new String[0])
                .putArray("empty.u8", GgufValueType.UINT8)
                .build();
        Path file = dir.resolve("arrays.gguf");
        writer.write(file);

        try (GgufFile gguf = GgufFile.open(file)) {
            GgufMetadata md = gguf.metadata();
            assertSameMetadata(md, writer.metadata());
            assertThat(md.getLongArray("u8")).containsExactly(0, 1, 255);
            assertThat(md.getIntArray("i8")).containsExactly(-128, 0, 127);
            assertThat(md.getLongArray("u32")).containsExactly(0, 0xFFFF_FFFFL);
            assertThat(md.getLongArray("u64")).containsExactly(-1L, 0);
            assertThat(md.getFloatArray("f64")).containsExactly(0.25f, (float) Double.MIN_VALUE);
            assertThat(md.getStringArray("string")).containsExactly("<unk>", "", "▁the", "🦙");
            assertThat(md.getArray("empty.u8").length()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(GgmlType.class)
    void roundTripsTensorBytesOfEveryType(GgmlType type) throws IOException {
        SplittableRandom random = new SplittableRandom(type.id());
        long[] dims = {type.blockSize() * 2L, 3};
        byte[] first = randomBytes(random, type.byteSize(dims[0] * dims[1]));
        byte[] second = randomBytes(random, type.byteSize(type.blockSize()));
        Path file = dir.resolve("tensors.gguf");
        GgufWriter.builder()
                .put("general.architecture", "llama")
                .tensor("first", type, dims, first)
                .tensor("second", type, new long[] {type.blockSize()}, second)
                .write(file);

        try (GgufFile gguf = GgufFile.open(file)) {
            assertThat(gguf.tensors()).extracting(GgufTensor::name).containsExactly("first", "second");
            GgufTensor t = gguf.tensor("first");
            assertThat(t.type()).isEqualTo(type);
            assertThat(t.dims()).containsExactly(dims);
            assertThat(t.data().toArray(ValueLayout.JAVA_BYTE)).isEqualTo(first);
            assertThat(gguf.tensor("second").data().toArray(ValueLayout.JAVA_BYTE)).isEqualTo(second);
            for (GgufTensor tensor : gguf.tensors()) {
                assertThat(tensor.offset() % GgufFile.DEFAULT_ALIGNMENT).as(tensor.name()).isZero();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 8, 64, 4096, GgufFile.MAX_ALIGNMENT})
    void placesEveryTensorOnTheConfiguredAlignment(int alignment) throws IOException {
        Path file = dir.resolve("aligned.gguf");
        GgufWriter.builder()
                .alignment(alignment)
                .tensor("a", new long[] {3}, new float[] {1, 2, 3})
                .tensor("b", new long[] {5}, new float[] {4, 5, 6, 7, 8})
                .tensor("c", GgmlType.I8, new long[] {1}, new byte[] {9})
                .write(file);

        try (GgufFile gguf = GgufFile.open(file)) {
            assertThat(gguf.alignment()).isEqualTo(alignment);
            assertThat(gguf.dataOffset() % alignment).isZero();
            for (GgufTensor tensor : gguf.tensors()) {
                assertThat(tensor.offset() % alignment).as(tensor.name()).isZero();
            }
            assertThat(gguf.tensor("b").data().toArray(ValueLayout.JAVA_FLOAT_UNALIGNED)).containsExactly(4, 5, 6, 7, 8);
            assertThat(Files.size(file) % alignment).as("last tensor padded").isZero();
        }
    }

    @Test
    void writesNoAlignmentKeyUnlessAsked() throws IOException {
        Path file = dir.resolve("default.gguf");
        GgufWriter.builder().tensor("a", new long[] {1}, new float[] {1}).write(file);

        try (GgufFile gguf = GgufFile.open(file)) {
            assertThat(gguf.metadata().contains("general.alignment")).isFalse();
            assertThat(gguf.alignment()).isEqualTo(GgufFile.DEFAULT_ALIGNMENT);
        }
    }

    @Test
    void writesTheHeaderFieldsTheSpecificationLaysOut() throws IOException {
        byte[] bytes = GgufBytes.bytesOf(GgufWriter.builder()
                .putU32("k", 7)
                .tensor("t", GgmlType.F16, new long[] {2, 1}, new byte[] {1, 2, 3, 4}), dir);

        assertThat(new String(bytes, 0, 4, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("GGUF");
        assertThat(GgufBytes.u32(bytes, GgufBytes.VERSION_OFFSET)).isEqualTo(3);
        assertThat(GgufBytes.u64(bytes, GgufBytes.TENSOR_COUNT_OFFSET)).isEqualTo(1);
        assertThat(GgufBytes.u64(bytes, GgufBytes.KV_COUNT_OFFSET)).isEqualTo(1);
        int kv = GgufBytes.FIRST_KEY_OFFSET;
        assertThat(GgufBytes.u64(bytes, kv)).as("key length").isEqualTo(1);
        assertThat(bytes[kv + 8]).isEqualTo((byte) 'k');
        assertThat(GgufBytes.u32(bytes, kv + 9)).as("value type").isEqualTo(GgufValueType.UINT32.id());
        assertThat(GgufBytes.u32(bytes, kv + 13)).as("value").isEqualTo(7);
        int info = kv + 17;
        assertThat(GgufBytes.u64(bytes, info)).as("name length").isEqualTo(1);
        assertThat(GgufBytes.u32(bytes, info + 9)).as("rank").isEqualTo(2);
        assertThat(GgufBytes.u64(bytes, info + 13)).as("ne0").isEqualTo(2);
        assertThat(GgufBytes.u64(bytes, info + 21)).as("ne1").isEqualTo(1);
        assertThat(GgufBytes.u32(bytes, info + 29)).as("type").isEqualTo(GgmlType.F16.id());
        assertThat(GgufBytes.u64(bytes, info + 33)).as("offset").isZero();
        int dataStart = info + 41 + 32 - 1 & -32;
        assertThat(Arrays.copyOfRange(bytes, info + 41, dataStart)).as("padding").containsOnly(0);
        assertThat(Arrays.copyOfRange(bytes, dataStart, dataStart + 4)).containsExactly(1, 2, 3, 4);
        assertThat(bytes).hasSize(dataStart + 32);
    }

    @ParameterizedTest
    @ValueSource(strings = {"models/stories260K.gguf", "models/tiny-gqa-f32.gguf", "models/tiny-gqa-f16.gguf",
            "models/tiny-gqa-q8_0.gguf", "models/tiny-gqa-q4_0.gguf", "models/tiny-gqa-q4_k.gguf",
            "models/tiny-gqa-q6_k.gguf", "vocab/ggml-vocab-llama-spm.gguf", "vocab/ggml-vocab-gpt-2.gguf",
            "vocab/ggml-vocab-deepseek-coder.gguf", "vocab/ggml-vocab-falcon.gguf", "vocab/ggml-vocab-phi-3.gguf",
            "vocab/ggml-vocab-starcoder.gguf"})
    void rewritesReferenceFilesByteForByte(String name) throws IOException {
        Path model = SharedFiles.require(name);
        Path copy = dir.resolve("copy.gguf");
        try (GgufFile original = GgufFile.open(model)) {
            GgufWriter.Builder builder = GgufWriter.builder().putAll(original.metadata());
            for (GgufTensor t : original.tensors()) {
                builder.tensor(t.name(), t.type(), t.dims(), TensorSource.of(t.data()));
            }
            builder.write(copy);
        }
        byte[] expected = Files.readAllBytes(model);
        byte[] actual = Files.readAllBytes(copy);
        assertThat(Arrays.mismatch(actual, expected)).as("first differing byte of %d written, %d expected",
                actual.length, expected.length).isEqualTo(-1);
    }

    @Test
    void streamsTensorDataWithoutHoldingItInMemory() throws IOException {
        // 1 GiB with -Dkvasir.gguf.streamBytes=1073741824; the default keeps the suite's disk use small.
        long numBytes = Long.getLong("kvasir.gguf.streamBytes", 64L << 20);
        long[] dims = {1024, numBytes / 1024};
        Path file = dir.resolve("large.gguf");
        GgufWriter writer = GgufWriter.builder()
                .put("general.architecture", "synthetic")
                .tensor("small", new long[] {4}, new float[] {1, 2, 3, 4})
                .tensor("large", GgmlType.I8, dims, out -> {
                    byte[] chunk = new byte[1 << 16];
                    for (long offset = 0; offset < numBytes; offset += chunk.length) {
                        for (int i = 0; i < chunk.length; i++) {
                            chunk[i] = patternByte(offset + i);
                        }
                        out.write(chunk);
                    }
                })
                .build();

        long allocatedBefore = GgufBytes.allocatedBytes();
        writer.write(file);
        long allocated = GgufBytes.allocatedBytes() - allocatedBefore;

        assertThat(allocated).as("heap bytes allocated while writing %d bytes", numBytes).isLessThan(4L << 20);
        assertThat(Files.size(file)).isGreaterThan(numBytes);
        try (GgufFile gguf = GgufFile.open(file)) {
            MemorySegment data = gguf.tensor("large").data();
            assertThat(data.byteSize()).isEqualTo(numBytes);
            for (long offset = 0; offset < numBytes; offset += 4093) {
                assertThat(data.get(ValueLayout.JAVA_BYTE, offset)).as("byte %d", offset).isEqualTo(patternByte(offset));
            }
            assertThat(data.get(ValueLayout.JAVA_BYTE, numBytes - 1)).isEqualTo(patternByte(numBytes - 1));
        }
    }

    private static byte patternByte(long offset) {
        return (byte) (offset * 31 + (offset >>> 11));
    }

    @Test
    void refusesASourceThatWritesTooFewBytesAndLeavesNoFile() {
        Path file = dir.resolve("short.gguf");
        GgufWriter.Builder builder = GgufWriter.builder()
                .tensor("t", GgmlType.F32, new long[] {4}, out -> out.write(new byte[12]));

        assertThatThrownBy(() -> builder.write(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("tensor t")
                .hasMessageContaining("12 of its 16 bytes");
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void refusesASourceThatWritesTooManyBytesAndKeepsTheOldFile() throws IOException {
        Path file = dir.resolve("long.gguf");
        Files.writeString(file, "previous");
        GgufWriter.Builder builder = GgufWriter.builder()
                .tensor("t", GgmlType.F32, new long[] {4}, out -> out.write(new byte[17]));

        assertThatThrownBy(() -> builder.write(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("tensor t")
                .hasMessageContaining("more bytes than the tensor holds");
        assertThat(file).hasContent("previous");
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void refusesWhatTheReaderWouldRefuse() {
        GgufWriter.Builder builder = GgufWriter.builder().put("a", "x").tensor("t", new long[] {1}, new float[1]);

        assertRefused(() -> builder.put("", "x"), "key must not be empty");
        assertRefused(() -> builder.putU32("a", 1), "a: key already put");
        assertRefused(() -> builder.putU8("u8", 256), "u8: 256 does not fit UINT8");
        assertRefused(() -> builder.putI8("i8", -129), "i8: -129 does not fit INT8");
        assertRefused(() -> builder.putU32("u32", -1), "u32: -1 does not fit UINT32");
        assertRefused(() -> builder.putArray("arr", GgufValueType.UINT16, 1, 70000), "arr: values[1] = 70000 does not fit UINT16");
        assertRefused(() -> builder.putArray("arr", GgufValueType.FLOAT32, 1), "arr: elementType FLOAT32 is not an integer type");
        assertRefused(() -> builder.put("f", GgufValueType.FLOAT32, 1.0), "f: FLOAT32 cannot hold a Double");
        assertRefused(() -> builder.put("s", "bad \uD800 surrogate"), "s: unpaired surrogate at index 4");
        assertRefused(() -> builder.putArray("s", "ok", "\uDC00"), "s: unpaired surrogate at index 0");
        assertRefused(() -> builder.alignment(0), "general.alignment: 0 is not a power of two");
        assertRefused(() -> builder.alignment(3), "general.alignment: 3 is not a power of two");
        assertRefused(() -> builder.putU64("general.alignment", 1L << 40), "general.alignment: 1099511627776 is not a power");
        assertRefused(() -> builder.put("general.alignment", "32"), "general.alignment: must be an integer");
        assertRefused(() -> builder.tensor("", new long[] {1}, new float[1]), "tensor name must not be empty");
        assertRefused(() -> builder.tensor("t", new long[] {1}, new float[1]), "t: tensor already added");
        assertRefused(() -> builder.tensor("x".repeat(65), new long[] {1}, new float[1]), "tensor name longer than 64 bytes");
        assertRefused(() -> builder.tensor("r0", new long[0], new float[1]), "r0: rank 0 outside 1..4");
        assertRefused(() -> builder.tensor("r5", new long[] {1, 1, 1, 1, 1}, new float[1]), "r5: rank 5 outside 1..4");
        assertRefused(() -> builder.tensor("z", new long[] {2, 0}, new float[0]), "z: dims[1] = 0 must be positive");
        assertRefused(() -> builder.tensor("n", new long[] {-1}, new float[0]), "n: dims[0] = -1 must be positive");
        assertRefused(() -> builder.tensor("o", GgmlType.F32, new long[] {1L << 32, 1L << 32}, out -> { }),
                "o: element count overflows 64 bits");
        assertRefused(() -> builder.tensor("b", GgmlType.F32, new long[] {1L << 62}, out -> { }), "b: byte size overflows");
        assertRefused(() -> builder.tensor("q", GgmlType.Q8_0, new long[] {16, 2}, new byte[34]),
                "q: dims[0] = 16 is not a whole number of Q8_0 blocks of 32");
        assertRefused(() -> builder.tensor("len", GgmlType.F16, new long[] {3}, new byte[5]), "len: F16 [3] needs 6 bytes, data has 5");
        assertRefused(() -> builder.tensor("f", new long[] {3}, new float[2]), "f: [3] needs 3 floats, data has 2");
    }

    private static void assertRefused(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String message) {
        assertThatThrownBy(call).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    private static byte[] randomBytes(SplittableRandom random, long n) {
        byte[] bytes = new byte[Math.toIntExact(n)];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) random.nextInt(256);
        }
        return bytes;
    }

    static void assertSameMetadata(GgufMetadata actual, GgufMetadata expected) {
        assertThat(List.copyOf(actual.keys())).isEqualTo(List.copyOf(expected.keys()));
        for (String key : expected.keys()) {
            assertThat(actual.typeOf(key)).as(key).isEqualTo(expected.typeOf(key));
            assertThat(actual.get(key)).as(key).isEqualTo(expected.get(key));
        }
    }
}
