package io.kvasir.engine.kernel;

import static io.kvasir.engine.kernel.Simd.LANES;

import java.util.Arrays;
import java.util.Objects;

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
 *   {@code xt[col][batch lanes]}. Each task owns a range of rows; per chunk of {@link #PANEL_COLS} columns
 *   it dequantises every row's chunk once into pair-interleaved floats (L2-resident) and feeds them, eight
 *   or twelve rows at a time, to register-blocked micro-kernels ({@link GemmKernels}) that reuse each
 *   weight across up to 6 x {@code LANES/2} activation rows.</li>
 * </ul>
 *
 * <p>Scratch (transposed activations, per-thread panels and accumulators) grows on demand and is reused, so
 * steady-state calls allocate nothing. Not thread-safe: one caller at a time (the engine loop).
 *
 * <p>Invariants during a call: {@code paddedBatch % (LANES / 2) == 0}; GEMM tasks cover {@code rowsPerTask} rows
 * ({@code rowsPerTask % (2 * panelPairs) == 0}); a thread writes only its own rows of {@code out} and its
 * own scratch.
 */
public final class MatMul {

    /**
     * The smallest batch that takes the blocked GEMM path. Its lane groups hold {@code LANES/2} activation
     * rows, so smaller batches waste lanes: at 5 rows both paths run about equally fast (Q8_0, AVX-512).
     */
    public static final int MIN_GEMM_BATCH = 5;
    /** Columns of one dequantised chunk: a multiple of every block size (256); a panel's chunk fits L1. */
    static final int PANEL_COLS = 256;
    private static final int TASKS_PER_THREAD = 4;
    private static final int MIN_ROWS_PER_DOT_TASK = 16;
    private static final int MAX_ROWS_PER_GEMM_TASK = 128;
    private static final int TRANSPOSE_COLS_PER_TASK = 256;

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
    private int panelPairs;

    /** A multiplier running on {@code executor}'s threads (shared, not owned: closing is the caller's). */
    public MatMul(ParallelExecutor executor) {
        this.executor = Objects.requireNonNull(executor, "executor");
        this.panels = new double[executor.numThreads()][0];
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
        panelPairs = paddedBatch / groupRows <= 2 ? GemmKernels.NARROW_PANEL_PAIRS : GemmKernels.WIDE_PANEL_PAIRS;
        int panelRows = 2 * panelPairs;
        int target = ceilDiv(ceilDiv(rows, numThreads * TASKS_PER_THREAD), panelRows) * panelRows;
        rowsPerTask = Math.min(MAX_ROWS_PER_GEMM_TASK / panelRows * panelRows, target);
        int neededAcc = rowsPerTask * 2 * paddedBatch;
        int neededPanel = rowsPerTask / 2 * PANEL_COLS;
        for (int t = 0; t < accumulators.length; t++) {
            if (accumulators[t].length < neededAcc) {
                accumulators[t] = new float[neededAcc];
            }
            if (panels[t].length < neededPanel) {
                panels[t] = new double[neededPanel];
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
        // Eight activation rows at a time: the stores run along xt, and the eight rows being read (a multiple
        // of 4 KiB apart, so in one L1 set) stay cached from one column to the next.
        for (int b0 = 0; b0 < batch; b0 += 8) {
            int bEnd = Math.min(batch, b0 + 8);
            for (int c = start; c < end; c++) {
                int src = b0 * cols + c;
                int dst = c * ldx + 2 * b0;
                for (int b = b0; b < bEnd; b++, src += cols, dst += 2) {
                    float v = x[src];
                    xt[dst] = v;
                    xt[dst + 1] = v;
                }
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
        int pairs = panelPairs;
        int panelRows = 2 * pairs;
        int panelAcc = pairs * ldx;
        int firstRow = taskIndex * rowsPerTask;
        int endRow = Math.min(rows, firstRow + rowsPerTask);
        double[] panel = panels[workerIndex];
        float[] scratch = rowScratch[workerIndex];
        float[] acc = accumulators[workerIndex];
        int numPanels = ceilDiv(endRow - firstRow, panelRows);
        Arrays.fill(acc, 0, numPanels * panelAcc, 0f);
        float[] xt = transposed;
        // One column chunk of the transposed activations stays in L2 while all the task's rows pass over it.
        // The chunk of every row is dequantised up front: a burst of independent loads that the memory
        // system overlaps, instead of a few misses stalling each panel's kernels.
        for (int col = 0; col < cols; col += PANEL_COLS) {
            int numCols = Math.min(PANEL_COLS, cols - col);
            for (int row = firstRow, offset = 0; row < endRow; row += 2, offset += PANEL_COLS) {
                w.dequantizePair(row, col, numCols, panel, offset, scratch);
            }
            for (int p = 0; p < numPanels; p++) {
                runKernels(pairs, panel, p * pairs * PANEL_COLS, xt, col * ldx, ldx, numCols, numGroups,
                        acc, p * panelAcc);
            }
        }
        // Pair p of the task sits at acc[p*ldx], lane 2b + j holding row firstRow + 2p + j of activation row b.
        // Blocks of eight pairs keep the strided reads in L1 while the stores run along out's rows.
        int numPairs = ceilDiv(endRow - firstRow, 2);
        for (int p0 = 0; p0 < numPairs; p0 += 8) {
            int pEnd = Math.min(numPairs, p0 + 8);
            for (int b = 0; b < batch; b++) {
                int outRow = b * rows + firstRow;
                for (int p = p0; p < pEnd; p++) {
                    int r = 2 * p;
                    out[outRow + r] = acc[p * ldx + 2 * b];
                    if (firstRow + r + 1 < endRow) {
                        out[outRow + r + 1] = acc[p * ldx + 2 * b + 1];
                    }
                }
            }
        }
    }

    /** One panel times all lane groups of one column chunk, in the widest kernels that fit. */
    private static void runKernels(int pairs, double[] panel, int panelOffset, float[] xt, int xOffset, int ldx,
            int numCols, int numGroups, float[] acc, int accOffset) {
        if (pairs == GemmKernels.NARROW_PANEL_PAIRS) {
            assert numGroups <= 2;
            if (numGroups == 2) {
                GemmKernels.pairs6x2(panel, panelOffset, PANEL_COLS, xt, xOffset, ldx, numCols,
                        acc, accOffset, ldx);
            } else {
                GemmKernels.pairs6x1(panel, panelOffset, PANEL_COLS, xt, xOffset, ldx, numCols,
                        acc, accOffset, ldx);
            }
            return;
        }
        int g = 0;
        for (; g + 6 <= numGroups; g += 6) {
            GemmKernels.pairs4x6(panel, panelOffset, PANEL_COLS, xt, xOffset + g * LANES, ldx, numCols,
                    acc, accOffset + g * LANES, ldx);
        }
        if (numGroups - g >= 4) {
            GemmKernels.pairs4x4(panel, panelOffset, PANEL_COLS, xt, xOffset + g * LANES, ldx, numCols,
                    acc, accOffset + g * LANES, ldx);
            g += 4;
        }
        if (numGroups - g >= 2) {
            GemmKernels.pairs4x2(panel, panelOffset, PANEL_COLS, xt, xOffset + g * LANES, ldx, numCols,
                    acc, accOffset + g * LANES, ldx);
            g += 2;
        }
        if (numGroups - g == 1) {
            GemmKernels.pairs4x1(panel, panelOffset, PANEL_COLS, xt, xOffset + g * LANES, ldx, numCols,
                    acc, accOffset + g * LANES, ldx);
        }
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
