package io.kvasir.engine.gguf;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded mutations of small written files: {@link GgufFile#open} must either succeed, yielding a file whose
 * every tensor lies inside it, or fail with a {@link GgufFormatException} or {@link IOException}; never
 * anything else, and never allocate much more than the file holds. Failures name the seed and iteration;
 * the mutations are deterministic, so the same seed reproduces them.
 */
class GgufFuzzTest {

    private static final int NUM_ITERATIONS_PER_SEED = 1000;
    /** Parsing a few KB of header, building an exception and its stack trace, fit in this easily. */
    private static final long MAX_FIXED_ALLOCATION = 1 << 20;
    private static final long MAX_ALLOCATION_PER_FILE_BYTE = 16;

    @TempDir
    Path dir;

    private final List<byte[]> corpus = new ArrayList<>();
    private final List<Integer> headerEnds = new ArrayList<>();

    private enum Outcome { OPENED, REFUSED }

    private final List<FileChannel> channels = new ArrayList<>();

    private FileChannel track(FileChannel channel) {
        channels.add(channel);
        return channel;
    }

    @AfterEach
    void closeChannels() throws IOException {
        for (FileChannel channel : channels) {
            channel.close();
        }
    }

    @BeforeEach
    void writeCorpus() throws IOException {
        add(GgufWriter.builder()
                .put("general.architecture", "llama")
                .put("general.name", "fuzz")
                .putU32("llama.block_count", 2)
                .putF32("llama.attention.layer_norm_rms_epsilon", 1e-5f)
                .putU8("u8", 7).putI8("i8", -7).putU16("u16", 700).putI16("i16", -700)
                .putU64("u64", 1L << 40).putI64("i64", -1L << 40).putF64("f64", 0.5)
                .put("tokenizer.ggml.add_bos_token", true)
                .putArray("tokenizer.ggml.tokens", "<unk>", "<s>", "</s>", "▁a", "b", "🦙", "")
                .putArray("tokenizer.ggml.scores", 0f, 0f, 0f, -1f, -2f, -3f, -4f)
                .putArray("tokenizer.ggml.token_type", 2, 3, 3, 1, 1, 1, 1)
                .putArray("tokenizer.ggml.merges", "▁ a", "a b")
                .putArray("u8s", GgufValueType.UINT8, 1, 2, 3)
                .putArray("u16s", GgufValueType.UINT16, 1, 2)
                .putArray("u64s", GgufValueType.UINT64, -1L, 5)
                .putArray("f64s", 1.5, 2.5)
                .putArray("bools", true, false)
                .tensor("token_embd.weight", new long[] {8, 2}, new float[16])
                .tensor("f16", GgmlType.F16, new long[] {16}, new byte[32])
                .tensor("q8", GgmlType.Q8_0, new long[] {32, 2}, new byte[68])
                .tensor("q4k", GgmlType.Q4_K, new long[] {256}, new byte[144])
                .tensor("i32", GgmlType.I32, new long[] {3, 1, 1, 1}, new byte[12]));
        add(GgufWriter.builder()
                .put("general.architecture", "llama")
                .put("tokenizer.ggml.model", "gpt2")
                .putArray("tokenizer.ggml.tokens", "a", "b", "ab", "Ġ", "Ċ")
                .putArray("tokenizer.ggml.merges", "a b")
                .putU32("tokenizer.ggml.bos_token_id", 0));
        add(GgufWriter.builder()
                .alignment(1)
                .tensor("odd", GgmlType.I8, new long[] {3}, new byte[] {1, 2, 3})
                .tensor("odder", GgmlType.F16, new long[] {5}, new byte[10]));
        // The first round loads the classes every outcome needs, so that no measured allocation is class loading.
        for (boolean measured : new boolean[] {false, true}) {
            for (byte[] file : corpus) {
                assertThat(open(GgufBytes.fileOf(file, dir), file.length, "corpus", measured)).isEqualTo(Outcome.OPENED);
                Path truncated = GgufBytes.fileOf(Arrays.copyOf(file, 10), dir);
                assertThat(open(truncated, 10, "corpus", measured)).isEqualTo(Outcome.REFUSED);
            }
        }
    }

    private void add(GgufWriter.Builder builder) throws IOException {
        byte[] bytes = GgufBytes.bytesOf(builder, dir);
        corpus.add(bytes);
        try (GgufFile gguf = GgufFile.open(GgufBytes.fileOf(bytes, dir))) {
            headerEnds.add((int) Math.min(gguf.dataOffset(), bytes.length));
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
    void mutatedFilesOpenOrFailWithAFormatError(long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        Path file = dir.resolve("fuzz.gguf");
        @SuppressWarnings("resource")
        FileChannel channel = track(FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE));
        int numOpened = 0;
        int numRefused = 0;
        for (int iteration = 0; iteration < NUM_ITERATIONS_PER_SEED; iteration++) {
            int which = random.nextInt(corpus.size());
            StringBuilder log = new StringBuilder("seed " + seed + ", iteration " + iteration + ", file " + which + ":");
            byte[] mutated = corpus.get(which);
            int numMutations = 1 + random.nextInt(3);
            for (int m = 0; m < numMutations; m++) {
                mutated = mutate(mutated, headerEnds.get(which), random, log);
            }
            GgufBytes.overwrite(channel, mutated);
            if (open(file, mutated.length, log.toString()) == Outcome.OPENED) {
                numOpened++;
            } else {
                numRefused++;
            }
        }
        // Both outcomes must occur, or the mutations are not reaching the parser's checks.
        assertThat(numRefused).as("refused").isGreaterThan(NUM_ITERATIONS_PER_SEED / 2);
        assertThat(numOpened).as("opened").isPositive();
    }

    /**
     * Every 8-byte window of every header set to a count at least the file's size: the parser must bound it
     * by the bytes left, whatever field the window straddles.
     */
    @Test
    void neverAllocatesMoreThanTheFileForAHugeValueAnywhereInTheHeader() throws IOException {
        Path file = dir.resolve("huge.gguf");
        @SuppressWarnings("resource")
        FileChannel channel = track(FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE));
        int numRefused = 0;
        for (int which = 0; which < corpus.size(); which++) {
            byte[] base = corpus.get(which);
            long[] hugeValues = {base.length, 1L << 28, Integer.MAX_VALUE - 8};
            for (int offset = 0; offset + 8 <= headerEnds.get(which); offset++) {
                for (long value : hugeValues) {
                    byte[] mutated = GgufBytes.withU64(base, offset, value);
                    GgufBytes.overwrite(channel, mutated);
                    String context = "file " + which + ", u64 at " + offset + " = " + Long.toUnsignedString(value);
                    if (open(file, mutated.length, context) == Outcome.REFUSED) {
                        numRefused++;
                    }
                }
            }
        }
        assertThat(numRefused).isPositive();
    }

    private static byte[] mutate(byte[] file, int headerEnd, SplittableRandom random, StringBuilder log) {
        if (file.length == 0) {
            return file;
        }
        // Mostly aim at the header, where the parser's decisions are; tensor data is opaque bytes to it.
        int limit = random.nextInt(100) < 85 && headerEnd > 0 ? Math.min(headerEnd, file.length) : file.length;
        int pos = random.nextInt(limit);
        byte[] result = file;
        switch (random.nextInt(7)) {
            case 0 -> {
                int bit = random.nextInt(8);
                result = file.clone();
                result[pos] ^= (byte) (1 << bit);
                log.append(" flip bit ").append(bit).append(" at ").append(pos);
            }
            case 1 -> {
                result = file.clone();
                result[pos] = (byte) random.nextInt(256);
                log.append(" byte at ").append(pos).append(" = ").append(result[pos]);
            }
            case 2 -> {
                long[] values = {-1L, Long.MIN_VALUE, Long.MAX_VALUE, 1L << 32, 1L << 31, 0, file.length,
                        file.length + 1L + random.nextInt(Integer.MAX_VALUE - file.length), random.nextLong()};
                long value = values[random.nextInt(values.length)];
                pos = Math.min(pos, file.length - 8);
                if (pos >= 0) {
                    result = GgufBytes.withU64(file, pos, value);
                    log.append(" u64 at ").append(pos).append(" = ").append(Long.toUnsignedString(value));
                }
            }
            case 3 -> {
                int[] values = {0, 1, 3, 5, 8, 9, 12, 13, 31, 0xFFFF, 0xFFFF_FFFF, Integer.MIN_VALUE, random.nextInt()};
                int value = values[random.nextInt(values.length)];
                pos = Math.min(pos, file.length - 4);
                if (pos >= 0) {
                    result = ByteBuffer.wrap(file.clone()).order(ByteOrder.LITTLE_ENDIAN).putInt(pos, value).array();
                    log.append(" u32 at ").append(pos).append(" = ").append(Integer.toUnsignedString(value));
                }
            }
            case 4 -> {
                result = Arrays.copyOf(file, pos);
                log.append(" truncate to ").append(pos);
            }
            case 5 -> {
                byte[] inserted = new byte[1 + random.nextInt(16)];
                for (int i = 0; i < inserted.length; i++) {
                    inserted[i] = (byte) random.nextInt(256);
                }
                result = GgufBytes.splice(file, pos, 0, inserted);
                log.append(" insert ").append(inserted.length).append(" at ").append(pos);
            }
            default -> {
                int length = Math.min(1 + random.nextInt(16), file.length - pos);
                result = GgufBytes.splice(file, pos, length, new byte[0]);
                log.append(" delete ").append(length).append(" at ").append(pos);
            }
        }
        return result;
    }

    /** Opens the file and reads everything it offers, failing the test on any outcome but the two allowed. */
    private static Outcome open(Path file, long size, String context) {
        return open(file, size, context, true);
    }

    private static Outcome open(Path file, long size, String context, boolean measured) {
        long allocatedBefore = GgufBytes.allocatedBytes();
        Outcome outcome;
        try (GgufFile gguf = GgufFile.open(file)) {
            readEverything(gguf, size);
            outcome = Outcome.OPENED;
        } catch (GgufFormatException | IOException expected) {
            outcome = Outcome.REFUSED;
        } catch (Throwable unexpected) {
            throw new AssertionError(context + ": threw " + unexpected, unexpected);
        }
        long allocated = GgufBytes.allocatedBytes() - allocatedBefore;
        if (measured && allocated >= MAX_FIXED_ALLOCATION + MAX_ALLOCATION_PER_FILE_BYTE * size) {
            throw new AssertionError(context + ": allocated " + allocated + " bytes for a file of " + size + " bytes");
        }
        return outcome;
    }

    private static void readEverything(GgufFile gguf, long size) {
        GgufMetadata md = gguf.metadata();
        for (String key : md.keys()) {
            assertThat(key).isNotEmpty();
            Object value = md.get(key);
            if (value instanceof GgufArray array) {
                assertThat((long) array.length()).isLessThanOrEqualTo(size);
                tryTyped(() -> md.getFloatArray(key));
                tryTyped(() -> md.getIntArray(key));
                tryTyped(() -> md.getStringArray(key));
            } else {
                tryTyped(() -> md.getInt(key));
                tryTyped(() -> md.getFloat(key));
                tryTyped(() -> md.getString(key));
            }
        }
        for (GgufTensor tensor : gguf.tensors()) {
            assertThat(tensor.offset() % gguf.alignment()).isZero();
            assertThat(tensor.offset() + tensor.byteSize()).isLessThanOrEqualTo(size);
            assertThat(tensor.dims()).isNotEmpty();
            for (long dim : tensor.dims()) {
                assertThat(dim).isPositive();
            }
            if (tensor.byteSize() > 0) {
                tensor.data().get(ValueLayout.JAVA_BYTE, 0);
                tensor.data().get(ValueLayout.JAVA_BYTE, tensor.byteSize() - 1);
            }
        }
    }

    /** A typed getter may refuse a value of another type, but only with a format error. */
    private static void tryTyped(Runnable getter) {
        try {
            getter.run();
        } catch (GgufFormatException refused) {
            // the value's type does not fit this getter
        }
    }
}
