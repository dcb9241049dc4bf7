package io.kvasir.engine.kernel;

import static io.kvasir.engine.kernel.Simd.FLOATS;
import static io.kvasir.engine.kernel.Simd.LE;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Measures how fast all threads of a {@link ParallelExecutor} can read a large off-heap buffer, the
 * ceiling for memory-bound decoding: a model whose weights take {@code W} bytes decodes at most
 * {@code bandwidth / W} tokens per second per sequence.
 *
 * <p>The buffer should be several times the last-level cache so the reads come from DRAM.
 */
public final class MemoryBandwidthProbe {

    /** Bytes each task reads: large enough that claiming a task costs nothing, small enough to balance. */
    private static final long CHUNK_BYTES = 4L << 20;

    /**
     * A measurement.
     *
     * @param bestGigabytesPerSecond the fastest pass (10^9 bytes per second)
     * @param medianGigabytesPerSecond the median pass
     * @param bufferBytes bytes read per pass
     * @param numThreads threads reading
     * @param numPasses passes timed
     */
    public record Result(double bestGigabytesPerSecond, double medianGigabytesPerSecond, long bufferBytes,
            int numThreads, int numPasses) {
    }

    private final ParallelExecutor executor;
    private final float[] partialSums;
    private MemorySegment buffer;

    /** A probe reading with {@code executor}'s threads. */
    public MemoryBandwidthProbe(ParallelExecutor executor) {
        this.executor = executor;
        this.partialSums = new float[executor.numThreads()];
    }

    /**
     * Reads a buffer of {@code bufferBytes} (rounded down to whole 4 MiB chunks, at least one) {@code numPasses}
     * times after one untimed pass, and reports the rates.
     */
    public Result measure(long bufferBytes, int numPasses) {
        if (numPasses < 1) {
            throw new IllegalArgumentException("numPasses must be at least 1, got " + numPasses);
        }
        long numChunks = Math.max(1, bufferBytes / CHUNK_BYTES);
        if (numChunks > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("bufferBytes too large: " + bufferBytes);
        }
        long size = numChunks * CHUNK_BYTES;
        double[] rates = new double[numPasses];
        try (Arena arena = Arena.ofShared()) {
            buffer = arena.allocate(size, 4096);
            buffer.fill((byte) 1);
            ParallelTask readChunk = this::readChunk;
            executor.parallelFor((int) numChunks, readChunk);
            for (int pass = 0; pass < numPasses; pass++) {
                long start = System.nanoTime();
                executor.parallelFor((int) numChunks, readChunk);
                rates[pass] = size / (double) (System.nanoTime() - start);
            }
        } finally {
            buffer = null;
        }
        double[] sorted = rates.clone();
        Arrays.sort(sorted);
        return new Result(sorted[numPasses - 1], sorted[numPasses / 2], size, executor.numThreads(), numPasses);
    }

    private void readChunk(int chunk, int workerIndex) {
        long start = chunk * CHUNK_BYTES;
        long end = start + CHUNK_BYTES;
        long step = FLOATS.vectorByteSize();
        FloatVector acc0 = FloatVector.zero(FLOATS);
        FloatVector acc1 = FloatVector.zero(FLOATS);
        FloatVector acc2 = FloatVector.zero(FLOATS);
        FloatVector acc3 = FloatVector.zero(FLOATS);
        for (long offset = start; offset < end; offset += 4 * step) {
            acc0 = acc0.add(FloatVector.fromMemorySegment(FLOATS, buffer, offset, LE));
            acc1 = acc1.add(FloatVector.fromMemorySegment(FLOATS, buffer, offset + step, LE));
            acc2 = acc2.add(FloatVector.fromMemorySegment(FLOATS, buffer, offset + 2 * step, LE));
            acc3 = acc3.add(FloatVector.fromMemorySegment(FLOATS, buffer, offset + 3 * step, LE));
        }
        // Publishing the sum keeps the loads from being optimised away.
        partialSums[workerIndex] += acc0.add(acc1).add(acc2.add(acc3)).reduceLanes(VectorOperators.ADD);
    }
}
