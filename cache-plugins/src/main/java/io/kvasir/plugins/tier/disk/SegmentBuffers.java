package io.kvasir.plugins.tier.disk;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * {@link ByteBuffer} windows on pieces of a {@link MemorySegment} for channel I/O: the segment's own view
 * where it has one (native and mapped segments, writable {@code byte[]} heap segments), otherwise a staging
 * buffer the caller fills or drains.
 */
final class SegmentBuffers {

    private SegmentBuffers() {
    }

    /** Whether {@code segment.asByteBuffer()} works (other heap arrays and read-only heap segments have no view). */
    static boolean viewable(MemorySegment segment) {
        return segment.isNative() || segment.heapBase().orElse(null) instanceof byte[];
    }

    /** {@code [offset, offset + length)} of {@code src}, ready to be read; copied into {@code staging} when not null. */
    static ByteBuffer source(MemorySegment src, long offset, int length, ByteBuffer staging) {
        if (staging == null) {
            return src.asSlice(offset, length).asByteBuffer();
        }
        staging.clear().limit(length);
        MemorySegment.copy(src, offset, MemorySegment.ofBuffer(staging), 0, length);
        return staging;
    }

    /** A buffer to read {@code [offset, offset + length)} of {@code dst} into: its view, or {@code staging} when not null. */
    static ByteBuffer target(MemorySegment dst, long offset, int length, ByteBuffer staging) {
        if (staging == null) {
            return dst.asSlice(offset, length).asByteBuffer();
        }
        return staging.clear().limit(length);
    }

    /** Copies the first {@code length} bytes of {@code staging} to {@code dst} at {@code offset}. */
    static void drain(ByteBuffer staging, MemorySegment dst, long offset, int length) {
        MemorySegment.copy(MemorySegment.ofBuffer(staging.clear()), 0, dst, offset, length);
    }
}
