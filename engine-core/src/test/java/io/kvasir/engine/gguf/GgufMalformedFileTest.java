package io.kvasir.engine.gguf;

import static io.kvasir.engine.gguf.GgufBytes.after;
import static io.kvasir.engine.gguf.GgufBytes.at;
import static io.kvasir.engine.gguf.GgufBytes.withU32;
import static io.kvasir.engine.gguf.GgufBytes.withU64;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RELIABILITY.md items 1 to 3: each malformed file is a valid written one with some bytes patched, and each
 * must be refused with a {@link GgufFormatException} naming the file and the field, allocating nothing
 * near the size its counts claim.
 */
class GgufMalformedFileTest {

    /** Far below what any of the claimed counts would cost, far above what parsing a small header needs. */
    private static final long MAX_ALLOCATED_BYTES = 1 << 20;

    @TempDir
    Path dir;

    /**
     * Keys in order: general.architecture, general.alignment (UINT32), tokenizer.ggml.tokens,
     * tokenizer.ggml.scores, dup.a, dup.b. Tensors: tok.a F32 [8, 2] at 0, tok.b F32 [8] at 64; the file ends
     * where tok.b's data ends.
     */
    private byte[] valid;

    @BeforeEach
    void writeValidFile() throws IOException {
        valid = GgufBytes.bytesOf(GgufWriter.builder()
                .put("general.architecture", "llama")
                .alignment(32)
                .putArray("tokenizer.ggml.tokens", "<unk>", "▁a", "b")
                .putArray("tokenizer.ggml.scores", 0f, -1f, -2f)
                .putU32("dup.a", 1)
                .putU32("dup.b", 2)
                .tensor("tok.a", new long[] {8, 2}, new float[16])
                .tensor("tok.b", new long[] {8}, new float[8]), dir);
        try (GgufFile gguf = GgufFile.open(GgufBytes.fileOf(valid, dir))) {
            assertThat(gguf.tensor("tok.b").offset() + 32).as("file ends with tok.b").isEqualTo(valid.length);
        }
    }

    @Test
    void refusesABadMagicNamingIt() throws IOException {
        byte[] bytes = valid.clone();
        bytes[3] = 'G';
        assertRefused(bytes, "magic", "not a GGUF file");
        assertRefused("PK\u0003\u0004 a zip file, not a model".getBytes(StandardCharsets.ISO_8859_1), "magic", "not a GGUF file");
        assertRefused(new byte[0], "magic", "truncated");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 4, 0xFFFF_FFFF})
    void refusesAnUnsupportedVersion(int version) throws IOException {
        assertRefused(withU32(valid, GgufBytes.VERSION_OFFSET, version), "version",
                "unsupported version " + Integer.toUnsignedString(version));
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void refusesABigEndianFile(int version) throws IOException {
        assertRefused(withU32(valid, GgufBytes.VERSION_OFFSET, Integer.reverseBytes(version)), "version", "big-endian");
    }

    @Test
    void refusesEveryTruncationOfAValidFile() throws IOException {
        Path file = dir.resolve("prefix.gguf");
        for (int length = 0; length < valid.length; length++) {
            Files.write(file, Arrays.copyOf(valid, length));
            Throwable thrown = catchThrowable(() -> GgufFile.open(file).close());
            assertThat(thrown).as("prefix of %d bytes", length).isInstanceOf(GgufFormatException.class);
            assertThat(thrown.getMessage()).as("prefix of %d bytes", length).startsWith(file + ": ");
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {-1L, Long.MIN_VALUE, Long.MAX_VALUE, 1L << 32, Integer.MAX_VALUE, 100_000})
    void refusesTensorAndKeyCountsTheFileCannotHold(long count) throws IOException {
        assertRefused(withU64(valid, GgufBytes.TENSOR_COUNT_OFFSET, count), "tensor_count",
                "count " + Long.toUnsignedString(count) + " cannot fit in a file of " + valid.length + " bytes");
        assertRefused(withU64(valid, GgufBytes.KV_COUNT_OFFSET, count), "metadata_kv_count",
                "count " + Long.toUnsignedString(count) + " cannot fit");
    }

    @ParameterizedTest
    @ValueSource(longs = {-1L, Long.MIN_VALUE, Integer.MAX_VALUE, 1L << 32, 10_000})
    void refusesStringLengthsLongerThanTheFile(long length) throws IOException {
        String expected = "string length " + Long.toUnsignedString(length) + " runs past the end of the file";
        assertRefused(withU64(valid, GgufBytes.FIRST_KEY_OFFSET, length), "metadata key #0", expected);
        int valueLength = after(valid, "general.architecture") + 4;
        assertRefused(withU64(valid, valueLength, length), "general.architecture", expected);
        int firstToken = after(valid, "tokenizer.ggml.tokens") + 4 + 4 + 8;
        assertRefused(withU64(valid, firstToken, length), "tokenizer.ggml.tokens", expected);
        assertRefused(withU64(valid, at(valid, "tok.a"), length), "tensor #0 name", expected);
    }

    @ParameterizedTest
    @ValueSource(longs = {-1L, Long.MIN_VALUE, Integer.MAX_VALUE - 8, 1L << 31, 1L << 28, 1_000})
    void refusesArrayLengthsLongerThanTheFile(long length) throws IOException {
        int scoresLength = after(valid, "tokenizer.ggml.scores") + 4 + 4;
        assertRefused(withU64(valid, scoresLength, length), "tokenizer.ggml.scores",
                "array length " + Long.toUnsignedString(length) + " of FLOAT32 does not fit");
        int tokensLength = after(valid, "tokenizer.ggml.tokens") + 4 + 4;
        assertRefused(withU64(valid, tokensLength, length), "tokenizer.ggml.tokens",
                "array length " + Long.toUnsignedString(length) + " of STRING does not fit");
    }

    @Test
    void refusesTokenScoresDeclaredAsBytesWhenReadAsFloats() throws IOException {
        Path file = dir.resolve("scores-as-bytes.gguf");
        GgufWriter.builder()
                .putArray("tokenizer.ggml.tokens", "a", "b")
                .putArray("tokenizer.ggml.scores", GgufValueType.UINT8, 0, 1)
                .write(file);

        try (GgufFile gguf = GgufFile.open(file)) {
            GgufMetadata md = gguf.metadata();
            assertThatThrownBy(() -> md.getFloatArray("tokenizer.ggml.scores"))
                    .isInstanceOfSatisfying(GgufFormatException.class, e -> assertThat(e.field()).isEqualTo("tokenizer.ggml.scores"))
                    .hasMessage(file + ": tokenizer.ggml.scores: expected an array of floats, found array of UINT8");
            assertThatThrownBy(() -> md.getIntArray("tokenizer.ggml.tokens"))
                    .isInstanceOf(GgufFormatException.class)
                    .hasMessageContaining("tokenizer.ggml.tokens: expected an array of integers, found array of STRING");
            assertThatThrownBy(() -> md.getString("tokenizer.ggml.scores"))
                    .isInstanceOf(GgufFormatException.class)
                    .hasMessageContaining("tokenizer.ggml.scores: expected a string, found ARRAY");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 3, 48, 1 << 17, 1 << 31})
    void refusesAnAlignmentThatIsNotASmallPowerOfTwo(int alignment) throws IOException {
        int value = after(valid, "general.alignment") + 4;
        assertRefused(withU32(valid, value, alignment), "general.alignment",
                "alignment " + Integer.toUnsignedString(alignment) + " must be a power of two between 1 and 65536");
    }

    @Test
    void refusesAHugeSixtyFourBitAlignment() throws IOException {
        byte[] bytes = GgufBytes.bytesOf(GgufWriter.builder()
                .putU64("general.alignment", 32)
                .tensor("t", new long[] {1}, new float[1]), dir);
        int value = after(bytes, "general.alignment") + 4;
        assertRefused(withU64(bytes, value, 1L << 40), "general.alignment", "alignment 1099511627776 must be a power of two");
        assertRefused(withU64(bytes, value, -1L << 63), "general.alignment", "alignment 9223372036854775808 must be");
    }

    @Test
    void refusesAnAlignmentOfTheWrongType() throws IOException {
        int type = after(valid, "general.alignment");
        assertRefused(withU32(valid, type, GgufValueType.FLOAT32.id()), "general.alignment", "expected an integer, found FLOAT32");
    }

    @Test
    void refusesAnEmptyKey() throws IOException {
        byte[] bytes = GgufBytes.splice(valid, at(valid, "dup.a"), 8 + "dup.a".length(), new byte[8]);
        assertRefused(bytes, "metadata key #4", "empty key");
    }

    @Test
    void refusesADuplicateKey() throws IOException {
        byte[] bytes = valid.clone();
        bytes[after(valid, "dup.b") - 1] = 'a';
        assertRefused(bytes, "dup.a", "duplicate key");
    }

    @Test
    void refusesADuplicateTensorName() throws IOException {
        byte[] bytes = valid.clone();
        bytes[after(valid, "tok.b") - 1] = 'a';
        assertRefused(bytes, "tok.a", "duplicate tensor name");
    }

    @Test
    void refusesAnEmptyTensorName() throws IOException {
        byte[] bytes = GgufBytes.splice(valid, at(valid, "tok.b"), 8 + "tok.b".length(), new byte[8]);
        assertRefused(bytes, "tensor #1 name", "empty name");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 5, 0xFFFF_FFFF})
    void refusesARankOutsideOneToFour(int rank) throws IOException {
        assertRefused(withU32(valid, after(valid, "tok.a"), rank), "tok.a n_dims",
                "rank " + Integer.toUnsignedString(rank) + " outside 1..4");
    }

    @ParameterizedTest
    @ValueSource(longs = {0, -1L, Long.MIN_VALUE})
    void refusesADimensionThatIsNotPositive(long dim) throws IOException {
        int ne1 = after(valid, "tok.a") + 4 + 8;
        assertRefused(withU64(valid, ne1, dim), "tok.a ne[1]",
                "dimension " + Long.toUnsignedString(dim) + " must be positive");
    }

    @Test
    void refusesADimensionProductThatOverflows() throws IOException {
        int ne0 = after(valid, "tok.a") + 4;
        byte[] elements = withU64(withU64(valid, ne0, 1L << 32), ne0 + 8, 1L << 32);
        assertRefused(elements, "tok.a dims", "element count overflows 64 bits");
        byte[] bytes = withU64(withU64(valid, ne0, 1L << 61), ne0 + 8, 1);
        assertRefused(bytes, "tok.a dims", "byte size overflows 64 bits");
    }

    @Test
    void refusesARowThatIsNotAWholeNumberOfBlocks() throws IOException {
        int type = after(valid, "tok.a") + 4 + 8 + 8;
        assertRefused(withU32(valid, type, GgmlType.Q8_0.id()), "tok.a ne[0]",
                "row of 8 elements is not a whole number of Q8_0 blocks of 32");
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 4, 16, 65, Long.MAX_VALUE})
    void refusesAMisalignedOffset(long offset) throws IOException {
        int field = after(valid, "tok.b") + 4 + 8 + 4;
        assertRefused(withU64(valid, field, offset), "tok.b offset",
                "offset " + offset + " is not a multiple of the alignment 32");
    }

    @ParameterizedTest
    @ValueSource(longs = {96, 1 << 20, -32L, Long.MIN_VALUE, Long.MAX_VALUE - 31})
    void refusesAnOffsetWhoseDataEndsPastTheFile(long offset) throws IOException {
        int field = after(valid, "tok.b") + 4 + 8 + 4;
        assertRefused(withU64(valid, field, offset), "tok.b offset",
                "data [" + Long.toUnsignedString(offset) + ", +32) lies past the end of the file (96 data bytes)");
    }

    @Test
    void refusesTensorDataCutShortByOneByte() throws IOException {
        assertRefused(Arrays.copyOf(valid, valid.length - 1), "tok.b offset", "data [64, +32) lies past the end of the file");
    }

    @ParameterizedTest
    @ValueSource(ints = {4, 5, 31, 39, 0xFFFF_FFFF})
    void refusesAnUnknownTensorType(int type) throws IOException {
        int field = after(valid, "tok.a") + 4 + 8 + 8;
        assertRefused(withU32(valid, field, type), "tok.a type", "unknown tensor type " + Integer.toUnsignedString(type));
    }

    @Test
    void refusesNestedArrays() throws IOException {
        int elementType = after(valid, "tokenizer.ggml.tokens") + 4;
        assertRefused(withU32(valid, elementType, GgufValueType.ARRAY.id()), "tokenizer.ggml.tokens", "nested arrays are not supported");
    }

    @ParameterizedTest
    @ValueSource(ints = {13, 0xFFFF_FFFF})
    void refusesAnUnknownValueType(int type) throws IOException {
        int field = after(valid, "general.architecture");
        assertRefused(withU32(valid, field, type), "general.architecture", "unknown value type " + Integer.toUnsignedString(type));
        int elementType = after(valid, "tokenizer.ggml.scores") + 4;
        assertRefused(withU32(valid, elementType, type), "tokenizer.ggml.scores element type", "unknown value type");
    }

    @Test
    void refusesABooleanThatIsNeitherZeroNorOne() throws IOException {
        byte[] bytes = GgufBytes.bytesOf(GgufWriter.builder().put("flag", true), dir);
        bytes[bytes.length - 1] = 2;
        assertRefused(bytes, "flag", "boolean byte 2 is neither 0 nor 1");
    }

    @Test
    void namesTheFileWhenItIsMissing() {
        Path missing = dir.resolve("no-such-model.gguf");
        assertThatThrownBy(() -> GgufFile.open(missing))
                .isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining(missing.toString());
    }

    @Test
    void namesTheFileWhenItIsADirectory() throws IOException {
        Path directory = Files.createDirectory(dir.resolve("model-dir.gguf"));
        assertThatThrownBy(() -> GgufFile.open(directory))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(directory.toString())
                .hasMessageContaining("not a regular file");
    }

    @Test
    @EnabledOnOs({OS.LINUX, OS.MAC})
    @Timeout(30) // opening a FIFO for reading would block until a writer came: a hang here is the failure
    void refusesAFifoWithoutOpeningIt() throws Exception {
        Path fifo = dir.resolve("model.fifo");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertThat(mkfifo.waitFor()).isZero();
        assertThatThrownBy(() -> GgufFile.open(fifo))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(fifo.toString())
                .hasMessageContaining("not a regular file");
    }

    /** Opens the bytes as a file and expects a refusal naming the file and {@code field}, with little allocated. */
    private GgufFormatException assertRefused(byte[] bytes, String field, String problem) throws IOException {
        Path file = GgufBytes.fileOf(bytes, dir);
        long allocatedBefore = GgufBytes.allocatedBytes();
        Throwable thrown = catchThrowable(() -> GgufFile.open(file).close());
        long allocated = GgufBytes.allocatedBytes() - allocatedBefore;

        assertThat(thrown).isInstanceOf(GgufFormatException.class);
        GgufFormatException e = (GgufFormatException) thrown;
        assertThat(e.field()).isEqualTo(field);
        assertThat(e.file()).isEqualTo(file);
        assertThat(e.getMessage()).startsWith(file + ": " + field + ": ").contains(problem);
        assertThat(allocated).as("bytes allocated refusing the file").isLessThan(MAX_ALLOCATED_BYTES);
        Files.delete(file);
        return e;
    }
}
