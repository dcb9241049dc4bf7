package io.kvasir.engine.gguf.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.WritableByteChannel;
import java.util.Objects;

/**
 * Little-endian primitives written through one fixed buffer to a channel, counting the bytes so that the
 * writer can pad to the alignment. Large byte runs bypass the buffer.
 *
 * <p>Invariant: {@code position() == bytes handed to the channel + buffer.position()}.
 */
public final class GgufOutput {

    private static final int BUFFER_BYTES = 1 << 16;

    private final WritableByteChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private long position;

    public GgufOutput(WritableByteChannel channel) {
        this.channel = channel;
    }

    /** Bytes written so far, buffered or not. */
    public long position() {
        return position;
    }

    public void u8(int value) throws IOException {
        ensure(1);
        buffer.put((byte) value);
        position += 1;
    }

    public void u16(int value) throws IOException {
        ensure(2);
        buffer.putShort((short) value);
        position += 2;
    }

    public void u32(int value) throws IOException {
        ensure(4);
        buffer.putInt(value);
        position += 4;
    }

    public void u64(long value) throws IOException {
        ensure(8);
        buffer.putLong(value);
        position += 8;
    }

    public void f32(float value) throws IOException {
        ensure(4);
        buffer.putFloat(value);
        position += 4;
    }

    public void f64(double value) throws IOException {
        ensure(8);
        buffer.putDouble(value);
        position += 8;
    }

    /** A GGUF string: u64 byte length, then the bytes. */
    public void string(byte[] utf8) throws IOException {
        u64(utf8.length);
        bytes(utf8, 0, utf8.length);
    }

    public void bytes(byte[] bytes, int offset, int length) throws IOException {
        if (length <= buffer.remaining()) {
            buffer.put(bytes, offset, length);
        } else {
            flush();
            if (length < BUFFER_BYTES) {
                buffer.put(bytes, offset, length);
            } else {
                writeFully(ByteBuffer.wrap(bytes, offset, length));
            }
        }
        position += length;
    }

    /** Zero bytes up to the next multiple of {@code alignment} (a power of two). */
    public void padTo(long alignment) throws IOException {
        long padding = -position & (alignment - 1);
        for (long i = 0; i < padding; i++) {
            u8(0);
        }
    }

    /** Hands buffered bytes to the channel. */
    public void flush() throws IOException {
        buffer.flip();
        writeFully(buffer);
        buffer.clear();
    }

    /**
     * A stream for exactly {@code numBytes} bytes of tensor data; writing more fails, and {@link
     * BoundedStream#remaining()} tells the caller whether fewer were written. Closing it does nothing.
     */
    public BoundedStream boundedStream(long numBytes) {
        return new BoundedStream(numBytes);
    }

    private void ensure(int bytes) throws IOException {
        if (buffer.remaining() < bytes) {
            flush();
        }
    }

    private void writeFully(ByteBuffer source) throws IOException {
        while (source.hasRemaining()) {
            channel.write(source);
        }
    }

    /** See {@link #boundedStream(long)}. */
    public final class BoundedStream extends OutputStream {

        private long remaining;

        private BoundedStream(long numBytes) {
            this.remaining = numBytes;
        }

        /** Bytes still owed. */
        public long remaining() {
            return remaining;
        }

        @Override
        public void write(int b) throws IOException {
            take(1);
            u8(b);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            Objects.checkFromIndexSize(offset, length, bytes.length);
            take(length);
            bytes(bytes, offset, length);
        }

        private void take(long numBytes) throws IOException {
            if (numBytes > remaining) {
                throw new IOException("tensor source wrote more bytes than the tensor holds (" + remaining
                        + " left, " + numBytes + " offered)");
            }
            remaining -= numBytes;
        }

        @Override
        public void close() {
            // The writer owns the underlying channel.
        }
    }
}
