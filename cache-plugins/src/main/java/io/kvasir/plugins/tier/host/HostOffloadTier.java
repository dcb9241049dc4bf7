package io.kvasir.plugins.tier.host;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import io.kvasir.plugins.tier.internal.RangeOffloadTier;

/**
 * An offload tier in off-heap host memory: a budget of {@code capacityBytes}, reserved from one shared
 * {@link Arena} in chunks of {@link #CHUNK_BYTES} as the high-water mark rises, reused after removes and
 * freed at {@link #close()}. An entry may straddle two chunks; it is copied in and out in pieces.
 *
 * <p>Owner and lifetime: the tier owns the arena; every chunk lives until {@link #close()}, which waits for
 * running copies first. Memory held never exceeds the capacity.
 */
public final class HostOffloadTier extends RangeOffloadTier {

    /** Host memory is reserved in chunks of this many bytes (the last one may be shorter). */
    public static final long CHUNK_BYTES = 32L << 20;

    /** The largest capacity accepted (1 TiB). */
    public static final long MAX_CAPACITY_BYTES = 1L << 40;

    private static final long CHUNK_ALIGNMENT = 64;

    private final Arena arena = Arena.ofShared();
    /** Chunk {@code i} backs {@code [i × CHUNK_BYTES, (i + 1) × CHUNK_BYTES)}; null until first used. */
    private final MemorySegment[] chunks;
    /** Written under the tier's lock, read anywhere. */
    private volatile long reservedBytes;

    /** A tier holding at most {@code capacityBytes} bytes, in [1, {@link #MAX_CAPACITY_BYTES}]. */
    public HostOffloadTier(long capacityBytes) {
        super(checkCapacity(capacityBytes));
        chunks = new MemorySegment[(int) ((capacityBytes + CHUNK_BYTES - 1) / CHUNK_BYTES)];
    }

    private static long checkCapacity(long capacityBytes) {
        if (capacityBytes < 1 || capacityBytes > MAX_CAPACITY_BYTES) {
            throw new IllegalArgumentException("capacityBytes must be in [1, " + MAX_CAPACITY_BYTES + "], got " + capacityBytes);
        }
        return capacityBytes;
    }

    /** Host memory reserved so far (whole chunks), at most the capacity. */
    public long reservedBytes() {
        return reservedBytes;
    }

    @Override
    protected boolean backRange(long offset, long length) {
        int last = (int) ((offset + length - 1) / CHUNK_BYTES);
        for (int i = (int) (offset / CHUNK_BYTES); i <= last; i++) {
            if (chunks[i] == null) {
                long chunkBytes = Math.min(CHUNK_BYTES, capacityBytes() - i * CHUNK_BYTES);
                try {
                    chunks[i] = arena.allocate(chunkBytes, CHUNK_ALIGNMENT);
                } catch (OutOfMemoryError e) {
                    // Native memory ran out below the budget: refusing the block lets the engine fall back.
                    return false;
                }
                reservedBytes += chunkBytes;
            }
        }
        return true;
    }

    @Override
    protected long write(long key, long offset, MemorySegment src) {
        long length = src.byteSize();
        long done = 0;
        while (done < length) {
            long at = offset + done;
            MemorySegment chunk = chunks[(int) (at / CHUNK_BYTES)];
            long within = at % CHUNK_BYTES;
            long n = Math.min(length - done, chunk.byteSize() - within);
            MemorySegment.copy(src, done, chunk, within, n);
            done += n;
        }
        return 0;
    }

    @Override
    protected boolean read(long key, long offset, MemorySegment dst, long tag) {
        long length = dst.byteSize();
        long done = 0;
        while (done < length) {
            long at = offset + done;
            MemorySegment chunk = chunks[(int) (at / CHUNK_BYTES)];
            long within = at % CHUNK_BYTES;
            long n = Math.min(length - done, chunk.byteSize() - within);
            MemorySegment.copy(chunk, within, dst, done, n);
            done += n;
        }
        return true;
    }

    @Override
    protected void release() {
        arena.close();
        Arrays.fill(chunks, null);
        reservedBytes = 0;
    }
}
