package io.kvasir.engine.kernel;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import io.kvasir.engine.gguf.GgmlType;

/**
 * {@link MatMul}'s native path for Q8_0 weights: the activations are quantised once per product into 8-bit
 * blocks (one float scale per 32 values, as llama.cpp's {@code quantize_row_q8_0}), then the threads of the
 * executor each run the native kernel on a range of output rows for every activation row.
 *
 * <p>Scratch (quantised activations, per-thread interleaving buffers) is native memory in an automatic arena
 * owned by this object: it grows on demand and is reused, so steady-state calls allocate nothing on the Java
 * heap beyond what escape analysis removes; it is freed when this object becomes unreachable.
 *
 * <p>Invariants during a call: {@code rowsPerTask % GROUP_ROWS == 0} (tasks start on whole 16-row groups); a
 * thread writes only its own rows of {@code out} and its own scratch. Not thread-safe: one caller at a time.
 */
final class NativeMatMul {

    /** Rows the native kernels interleave at a time (8 for AVX2, 16 for AVX-512 VNNI): tasks are multiples of it. */
    private static final int GROUP_ROWS = 16;
    private static final int TASKS_PER_THREAD = 4;

    private final ParallelExecutor executor;
    private final Arena arena = Arena.ofAuto();
    private final ParallelTask rowTask = this::rowTask;
    private final MemorySegment[] scratch;
    private MemorySegment quants = MemorySegment.NULL;
    private MemorySegment scales = MemorySegment.NULL;
    /** The per-thread scratch a product of {@code scratchCols} columns needs (asked once per shape, not per call). */
    private int scratchCols = -1;
    private long scratchBytes;

    private WeightMatrix weights;
    private float[] out;
    private int batch;
    private int rowsPerTask;

    /** @throws IllegalStateException if the native kernels are unavailable */
    NativeMatMul(ParallelExecutor executor) {
        if (!NativeKernels.isAvailable()) {
            throw new IllegalStateException("native kernels requested but unavailable: "
                    + NativeKernels.unavailableReason());
        }
        this.executor = executor;
        this.scratch = new MemorySegment[executor.numThreads()];
        Arrays.fill(scratch, MemorySegment.NULL);
    }

    /** Whether this path multiplies {@code w}: Q8_0 in native memory (a mapped model's tensors are). */
    static boolean supports(WeightMatrix w) {
        return w.type() == GgmlType.Q8_0 && w.data().isNative();
    }

    /** As {@link MatMul#multiply}, for a matrix this path {@linkplain #supports supports}; arguments checked there. */
    void multiply(WeightMatrix w, float[] x, int batch, float[] out) {
        assert supports(w);
        int cols = w.cols();
        long numQuants = (long) batch * cols;
        if (quants.byteSize() < numQuants) {
            quants = arena.allocate(numQuants, 64);
            scales = arena.allocate(numQuants / NativeKernels.BLOCK_SIZE * Float.BYTES, 64);
        }
        if (cols != scratchCols) {
            scratchBytes = NativeKernels.q8_0ScratchBytes(cols);
            scratchCols = cols;
        }
        for (int t = 0; t < scratch.length; t++) {
            if (scratch[t].byteSize() < scratchBytes) {
                scratch[t] = arena.allocate(scratchBytes, NativeKernels.SCRATCH_ALIGNMENT);
            }
        }
        NativeKernels.quantize(x, batch, cols, quants, scales);
        int rows = w.rows();
        int target = ceilDiv(rows, executor.numThreads() * TASKS_PER_THREAD);
        this.rowsPerTask = ceilDiv(Math.max(target, GROUP_ROWS), GROUP_ROWS) * GROUP_ROWS;
        this.weights = w;
        this.out = out;
        this.batch = batch;
        try {
            executor.parallelFor(ceilDiv(rows, rowsPerTask), rowTask);
        } finally {
            this.weights = null;
            this.out = null;
        }
    }

    private void rowTask(int taskIndex, int workerIndex) {
        int start = taskIndex * rowsPerTask;
        int end = Math.min(weights.rows(), start + rowsPerTask);
        NativeKernels.q8_0Matmul(weights, quants, scales, batch, out, start, end, scratch[workerIndex]);
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
