package io.kvasir.engine.gguf;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Test helpers that write GGUF files with {@link GgufWriter} and patch their bytes into malformed ones. */
final class GgufBytes {

    /** Offsets of the fixed header fields. */
    static final int VERSION_OFFSET = 4;
    static final int TENSOR_COUNT_OFFSET = 8;
    static final int KV_COUNT_OFFSET = 16;
    static final int FIRST_KEY_OFFSET = 24;

    private GgufBytes() {
    }

    /** The bytes {@code builder} writes. */
    static byte[] bytesOf(GgufWriter.Builder builder, Path dir) throws IOException {
        Path file = Files.createTempFile(dir, "written", ".gguf");
        builder.write(file);
        byte[] bytes = Files.readAllBytes(file);
        Files.delete(file);
        return bytes;
    }

    /** Writes {@code bytes} to a new file in {@code dir}. */
    static Path fileOf(byte[] bytes, Path dir) throws IOException {
        Path file = Files.createTempFile(dir, "patched", ".gguf");
        Files.write(file, bytes);
        return file;
    }

    /**
     * Replaces the contents of an open file with {@code bytes}. Far cheaper than {@code Files.write} when done
     * thousands of times: no open, no close, and no truncation to zero (which makes ext4 flush on close).
     */
    static void overwrite(FileChannel channel, byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            channel.write(buffer, buffer.position());
        }
        channel.truncate(bytes.length);
    }

    /**
     * The offset just past the first GGUF string (u64 length, then UTF-8) equal to {@code text}: for a key,
     * where its value type begins; for a tensor name, where its rank begins.
     */
    static int after(byte[] file, String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i + 8 + utf8.length <= file.length; i++) {
            if (u64(file, i) == utf8.length && regionMatches(file, i + 8, utf8)) {
                return i + 8 + utf8.length;
            }
        }
        throw new AssertionError("string not in file: " + text);
    }

    /** The offset of the first GGUF string equal to {@code text} (its length field). */
    static int at(byte[] file, String text) {
        return after(file, text) - 8 - text.getBytes(StandardCharsets.UTF_8).length;
    }

    private static boolean regionMatches(byte[] file, int offset, byte[] expected) {
        for (int j = 0; j < expected.length; j++) {
            if (file[offset + j] != expected[j]) {
                return false;
            }
        }
        return true;
    }

    static long u64(byte[] file, int offset) {
        return ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getLong(offset);
    }

    static int u32(byte[] file, int offset) {
        return ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getInt(offset);
    }

    static byte[] withU32(byte[] file, int offset, int value) {
        byte[] copy = file.clone();
        ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putInt(offset, value);
        return copy;
    }

    static byte[] withU64(byte[] file, int offset, long value) {
        byte[] copy = file.clone();
        ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putLong(offset, value);
        return copy;
    }

    /** {@code file} with {@code length} bytes at {@code offset} replaced by {@code replacement}. */
    static byte[] splice(byte[] file, int offset, int length, byte[] replacement) {
        byte[] result = new byte[file.length - length + replacement.length];
        System.arraycopy(file, 0, result, 0, offset);
        System.arraycopy(replacement, 0, result, offset, replacement.length);
        System.arraycopy(file, offset + length, result, offset + replacement.length, file.length - offset - length);
        return result;
    }

    /** Bytes the current thread has allocated on the heap so far (HotSpot's per-thread counter). */
    static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }
}
