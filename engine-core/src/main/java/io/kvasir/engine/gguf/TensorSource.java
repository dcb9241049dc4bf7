package io.kvasir.engine.gguf;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Produces one tensor's bytes for {@link GgufWriter} while the file is written, so that a model larger than
 * the heap can be written in pieces.
 *
 * <p>The source must write exactly the tensor's byte size (little-endian, in GGUF order) and must not close
 * the stream; writing more fails at once, writing fewer fails when the source returns. The writer may call a
 * source once per {@link GgufWriter#write} call.
 */
@FunctionalInterface
public interface TensorSource {

    /** Bytes the adapters below copy at a time. */
    int CHUNK_BYTES = 1 << 16;

    /** Writes the tensor's bytes to {@code out}. */
    void writeTo(OutputStream out) throws IOException;

    /** A source of bytes held in memory (not copied: do not change them before the file is written). */
    static TensorSource of(byte[] bytes) {
        return out -> out.write(bytes);
    }

    /** A source that copies a memory segment (for example a tensor of another open {@link GgufFile}). */
    static TensorSource of(MemorySegment segment) {
        return out -> {
            byte[] chunk = new byte[(int) Math.min(CHUNK_BYTES, segment.byteSize())];
            for (long offset = 0; offset < segment.byteSize(); offset += chunk.length) {
                int n = (int) Math.min(chunk.length, segment.byteSize() - offset);
                MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, offset, chunk, 0, n);
                out.write(chunk, 0, n);
            }
        };
    }

    /** A source of F32 values, written little-endian (not copied). */
    static TensorSource ofFloats(float[] values) {
        return out -> {
            ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(CHUNK_BYTES, 4L * values.length)).order(ByteOrder.LITTLE_ENDIAN);
            int perChunk = chunk.capacity() / 4;
            for (int start = 0; start < values.length; start += perChunk) {
                int n = Math.min(perChunk, values.length - start);
                chunk.clear();
                chunk.asFloatBuffer().put(values, start, n);
                out.write(chunk.array(), 0, 4 * n);
            }
        };
    }
}
