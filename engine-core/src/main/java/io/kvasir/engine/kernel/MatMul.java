package io.kvasir.engine.kernel;

import static io.kvasir.engine.kernel.Simd.FLOATS;
import static io.kvasir.engine.kernel.Simd.LANES;

import java.util.Arrays;
import java.util.Objects;

import jdk.incubator.vector.FloatVector;

/**
 * The matrix multiply of a forward pass: {@code out[b*rows + r] = sum_c W[r][c] * x[b*cols + c]} for
 * {@code b < batch}, parallel over output rows on a {@link ParallelExecutor}.
 *
 * <p>Two strategies, chosen per call by batch size:
 * <ul>
 *   <li><b>row dots</b> (batch below {@link #MIN_GEMM_BATCH}): each weight row is dotted with each
 *   activation row straight from its packed form. With batch 1 (decode) this reads every weight byte once
 *   and is bound by memory bandwidth; further activation rows find the weight row in L1.</li>
 *   <li><b>blocked GEMM</b>: the activations are transposed (and duplicated for row pairs) once into
 *   {@code xt[col][batch lanes]}; each task walks its rows in panels of 8, dequantises a panel of
 *   {@link #PANEL_COLS} columns once into L1-resident floats and feeds it to register-blocked micro-kernels
 *   ({@link GemmKernels}) that reuse each weight across up to 6 x {@code LANES/2} activation rows.</li>
 * </ul>
 *
 * <p>Scratch (transposed activations, per-thread panels and accumulators) grows on demand and is reused, so
 * steady-state calls allocate nothing. Not thread-safe: one caller at a time (the engine loop).
 *
 * <p>Invariants during a call: {@code paddedBatch % (LANES / 2) == 0}; GEMM tasks cover {@code rowsPerTask} rows
 * ({@code rowsPerTask % 8 == 0}); a thread writes only its own rows of {@code out} and its own scratch.
 */
public final class MatMul {

    /** The smallest batch that takes the blocked GEMM path. */
    public static final int MIN_GEMM_BATCH = 8;
    /** Columns of one dequantised panel: a multiple of every block size (256), small enough for L1. */
    static final int PANEL_COLS = 256;
    private static final int TASKS_PER_THREAD = 4;
    private static final int MIN_ROWS_PER_DOT_TASK = 16;
    private static final int MAX_ROWS_PER_GEMM_TASK = 128;
    private static final int TRANSPOSE_COLS_PER_TASK = 256;
    private static final FloatVector ZIP_LOW = zipIndexes(0);
    private static final FloatVector ZIP_HIGH = zipIndexes(1);

    private final ParallelExecutor executor;
    private final ParallelTask rowDotTask = this::rowDotTask;
    private final ParallelTask transposeTask = this::transposeTask;
    private final ParallelTask gemmTask = this::gemmTask;
    private final double[][] panels;
    private final float[][] rowScratch;
    private final float[][] accumulators;
    private float[] transposed = new float[0];

    private WeightMatrix weights;
    private float[] x;
    private float[] out;
    private int batch;
    private int paddedBatch;
    private int rowsPerTask;

    /** A multiplier running on {@code executor}'s threads (shared, not owned: closing is the caller's). */
    public MatMul(ParallelExecutor executor) {
        this.executor = Objects.requireNonNull(executor, "executor");
        this.panels = new double[executor.numThreads()][GemmKernels.PANEL_ROWS / 2 * PANEL_COLS];
        this.rowScratch = new float[executor.numThreads()][2 * PANEL_COLS];
        this.accumulators = new float[executor.numThreads()][0];
    }

    /** The executor this multiplier runs on. */
    public ParallelExecutor executor() {
        return executor;
    }

    /**
     * Computes {@code out[b*rows + r] = sum_c w[r][c] * x[b*cols + c]} for every {@code b < batch} and row.
     *
     * @param w the weights ({@code rows x cols})
     * @param x {@code batch} activation rows of {@code cols} floats
     * @param batch number of activation rows, at least 1
     * @param out receives {@code batch} rows of {@code rows} floats
     * @throws IllegalArgumentException if the batch is not positive or an array is too small
     */
    public void multiply(WeightMatrix w, float[] x, int batch, float[] out) {
        Objects.requireNonNull(w, "w");
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be at least 1, got " + batch);
        }
        if (x.length < (long) batch * w.cols()) {
            throw new IllegalArgumentException("x holds " + x.length + " floats, needs batch * cols = "
                    + (long) batch * w.cols());
        }
        if (out.length < (long) batch * w.rows()) {
            throw new IllegalArgumentException("out holds " + out.length + " floats, needs batch * rows = "
                    + (long) batch * w.rows());
        }
        this.weights = w;
        this.x = x;
        this.out = out;
        this.batch = batch;
        try {
            if (batch < MIN_GEMM_BATCH) {
                multiplyByRowDots();
            } else {
                multiplyByGemm();
            }
        } finally {
            this.weights = null;
            this.x = null;
            this.out = null;
        }
    }

    private void multiplyByRowDots() {
        int numThreads = executor.numThreads();
        int rows = weights.rows();
        rowsPerTask = Math.max(MIN_ROWS_PER_DOT_TASK, ceilDiv(rows, numThreads * TASKS_PER_THREAD));
        executor.parallelFor(ceilDiv(rows, rowsPerTask), rowDotTask);
    }

    private void rowDotTask(int taskIndex, int workerIndex) {
        WeightMatrix w = weights;
        int rows = w.rows();
        int cols = w.cols();
        int start = taskIndex * rowsPerTask;
        int end = Math.min(rows, start + rowsPerTask);
        for (int r = start; r < end; r++) {
            for (int b = 0; b < batch; b++) {
                out[b * rows + r] = w.dot(r, x, b * cols);
            }
        }
    }

    private void multiplyByGemm() {
        int numThreads = executor.numThreads();
        int rows = weights.rows();
        int cols = weights.cols();
        int groupRows = GemmKernels.ROWS_PER_GROUP;
        paddedBatch = ceilDiv(batch, groupRows) * groupRows;
        int neededTransposed = Math.multiplyExact(cols, 2 * paddedBatch);
        if (transposed.length < neededTransposed) {
            transposed = new float[neededTransposed];
        }
        int panelRows = GemmKernels.PANEL_ROWS;
        int target = ceilDiv(ceilDiv(rows, numThreads * TASKS_PER_THREAD), panelRows) * panelRows;
        rowsPerTask = Math.min(MAX_ROWS_PER_GEMM_TASK, target);
        int neededAcc = rowsPerTask * 2 * paddedBatch;
        for (int t = 0; t < accumulators.length; t++) {
            if (accumulators[t].length < neededAcc) {
                accumulators[t] = new float[neededAcc];
            }
        }
        executor.parallelFor(ceilDiv(cols, TRANSPOSE_COLS_PER_TASK), transposeTask);
        executor.parallelFor(ceilDiv(rows, rowsPerTask), gemmTask);
    }

    /**
     * Writes {@code xt[c*ldx + 2b + j] = x[b*cols + c]} ({@code j = 0, 1}; {@code ldx = 2 * paddedBatch}) for a
     * range of columns, zeroing the padding lanes.
     */
    private void transposeTask(int taskIndex, int workerIndex) {
        int cols = weights.cols();
        int start = taskIndex * TRANSPOSE_COLS_PER_TASK;
        int end = Math.min(cols, start + TRANSPOSE_COLS_PER_TASK);
        float[] xt = transposed;
        int ldx = 2 * paddedBatch;
        for (int b = 0; b < batch; b++) {
            int src = b * cols;
            for (int c = start, dst = start * ldx + 2 * b; c < end; c++, dst += ldx) {
                float v = x[src + c];
                xt[dst] = v;
                xt[dst + 1] = v;
            }
        }
        for (int c = start; c < end; c++) {
            Arrays.fill(xt, c * ldx + 2 * batch, (c + 1) * ldx, 0f);
        }
    }

    private void gemmTask(int taskIndex, int workerIndex) {
        WeightMatrix w = weights;
        int rows = w.rows();
        int cols = w.cols();
        int ldx = 2 * paddedBatch;
        int numGroups = ldx / LANES;
        int panelAcc = GemmKernels.PANEL_ROWS / 2 * ldx;
        int firstRow = taskIndex * rowsPerTask;
        int endRow = Math.min(rows, firstRow + rowsPerTask);
        double[] panel = panels[workerIndex];
        float[] scratch = rowScratch[workerIndex];
        float[] acc = accumulators[workerIndex];
        Arrays.fill(acc, 0, ceilDiv(endRow - firstRow, GemmKernels.PANEL_ROWS) * panelAcc, 0f);
        float[] xt = transposed;
        for (int col = 0; col < cols; col += PANEL_COLS) {
            int numCols = Math.min(PANEL_COLS, cols - col);
            int xOffset = col * ldx;
            for (int panelRow = firstRow; panelRow < endRow; panelRow += GemmKernels.PANEL_ROWS) {
                fillPanel(w, panelRow, endRow, col, numCols, panel, scratch);
                int accOffset = (panelRow - firstRow) / GemmKernels.PANEL_ROWS * panelAcc;
                int g = 0;
                for (; g + 6 <= numGroups; g += 6) {
                    GemmKernels.pairs4x6(panel, PANEL_COLS, xt, xOffset + g * LANES, ldx, numCols,
                            acc, accOffset + g * LANES, ldx);
                }
                if (numGroups - g >= 4) {
                    GemmKernels.pairs4x4(panel, PANEL_COLS, xt, xOffset + g * LANES, ldx, numCols,
                            acc, accOffset + g * LANES, ldx);
                    g += 4;
                }
                if (numGroups - g >= 2) {
                    GemmKernels.pairs4x2(panel, PANEL_COLS, xt, xOffset + g * LANES, ldx, numCols,
                            acc, accOffset + g * LANES, ldx);
                    g += 2;
                }
                if (numGroups - g == 1) {
                    GemmKernels.pairs4x1(panel, PANEL_COLS, xt, xOffset + g * LANES, ldx, numCols,
                            acc, accOffset + g * LANES, ldx);
                }
            }
        }
        // Batch-major so the stores to out run along its rows (the scattered reads hit the small accumulator).
        for (int b = 0; b < batch; b++) {
            int outRow = b * rows;
            for (int r = firstRow; r < endRow; r++) {
                int rel = r - firstRow;
                out[outRow + r] = acc[(rel >> 3) * panelAcc + ((rel >> 1) & 3) * ldx + 2 * b + (rel & 1)];
            }
        }
    }

    /**
     * Dequantises rows {@code panelRow..panelRow+7} (those below {@code endRow}), columns {@code col..col+numCols},
     * into the pair-interleaved panel. Rows past the end leave stale values whose sums are never written out.
     */
    private static void fillPanel(WeightMatrix w, int panelRow, int endRow, int col, int numCols, double[] panel,
            float[] scratch) {
        for (int pair = 0; pair < GemmKernels.PANEL_ROWS / 2; pair++) {
            int row = panelRow + 2 * pair;
            if (row >= endRow) {
                return;
            }
            w.dequantize(row, col, numCols, scratch, 0);
            if (row + 1 < endRow) {
                w.dequantize(row + 1, col, numCols, scratch, PANEL_COLS);
            }
            int base = pair * PANEL_COLS;
            int k = 0;
            for (int bound = FLOATS.loopBound(numCols); k < bound; k += LANES) {
                FloatVector even = FloatVector.fromArray(FLOATS, scratch, k);
                FloatVector odd = FloatVector.fromArray(FLOATS, scratch, PANEL_COLS + k);
                ZIP_LOW.selectFrom(even, odd).reinterpretAsDoubles().intoArray(panel, base + k);
                ZIP_HIGH.selectFrom(even, odd).reinterpretAsDoubles().intoArray(panel, base + k + LANES / 2);
            }
            for (; k < numCols; k++) {
                long low = Float.floatToRawIntBits(scratch[k]) & 0xffffffffL;
                long high = (long) Float.floatToRawIntBits(scratch[PANEL_COLS + k]) << 32;
                panel[base + k] = Double.longBitsToDouble(high | low);
            }
        }
    }

    /** Lane indexes for {@code selectFrom(a, b)}: interleave the low (high) halves of a and b. */
    private static FloatVector zipIndexes(int half) {
        float[] indexes = new float[LANES];
        for (int i = 0; i < LANES; i++) {
            indexes[i] = half * LANES / 2 + i / 2 + (i % 2 == 0 ? 0 : LANES);
        }
        return FloatVector.fromArray(FLOATS, indexes, 0);
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
