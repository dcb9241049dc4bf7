package io.kvasir.engine.kernel;

import static io.kvasir.engine.kernel.Simd.LANES;

import java.util.Arrays;
import java.util.Objects;

/**
 * The matrix multiply of a forward pass: {@code out[b*rows + r] = sum_c W[r][c] * x[b*cols + c]} for
 * {@code b < batch}, parallel over output rows on a {@link ParallelExecutor}.
 *
 * <p>Three strategies, chosen per call by batch size:
 * <ul>
 *   <li><b>row dots</b> (batch 1, decode): each weight row is dotted with the activations straight from its
 *   packed form, reading every weight byte once; bound by memory bandwidth.</li>
 *   <li><b>small batch</b> (below {@link #MIN_GEMM_BATCH}): two rows at a time are dequantised to floats
 *   and dotted with up to four activation rows per pass ({@link DotKernels}).</li>
 *   <li><b>blocked GEMM</b>: the activations are transposed (and duplicated for row pairs) once into
 *   {@code xt[col][batch lanes]}. Each task owns a range of rows and walks them in panels of eight (twelve
 *   for two lane groups) per column block sized so the block's activations stay in L2; it dequantises a
 *   panel's block once into pair-interleaved floats and feeds it, {@link #PANEL_COLS} columns at a time, to
 *   register-blocked micro-kernels ({@link GemmKernels}) that reuse each weight across up to
 *   6 x {@code LANES/2} activation rows.</li>
 * </ul>
 *
 * <p>With native kernels chosen ({@link KernelChoice}) and available, Q8_0 products go to {@code NativeMatMul}
 * instead (8-bit activations, AVX2 int8 products); every other type, and every product when the Java kernels are
 * chosen, takes the paths above.
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
    public static final int MIN_GEMM_BATCH = 14;
    /** Columns of one dequantised chunk: a multiple of every block size (256); a panel's chunk fits L1. */
    static final int PANEL_COLS = 256;
    private static final int TASKS_PER_THREAD = 4;
    private static final int MIN_ROWS_PER_DOT_TASK = 16;
    private static final int MAX_ROWS_PER_GEMM_TASK = 64;
    private static final int TRANSPOSE_COLS_PER_TASK = 256;
    /** Transposed activations one column block may hold (half of a 1 MiB L2). */
    private static final long L2_BUDGET_BYTES = 512 << 10;

    private final ParallelExecutor executor;
    /** The native path for the types it covers; null when the Java kernels are chosen or native ones unavailable. */
    private final NativeMatMul nativePath;
    private final ParallelTask rowDotTask = this::rowDotTask;
    private final ParallelTask smallBatchTask = this::smallBatchTask;
    private final ParallelTask transposeTask = this::transposeTask;
    private final ParallelTask gemmTask = this::gemmTask;
    private final double[][] panels;
    private final float[][] rowScratch;
    private final float[][] accumulators;
    private final float[][] rowPairs;
    private final float[][] pairSums;
    private float[] transposed = new float[0];

    private WeightMatrix weights;
    private float[] x;
    private float[] out;
    private int batch;
    private int paddedBatch;
    private int rowsPerTask;
    private int panelPairs;
    private int blockCols;

    /**
     * A multiplier running on {@code executor}'s threads (shared, not owned: closing is the caller's), with the
     * kernels the system property {@value KernelChoice#PROPERTY} chooses ({@link KernelChoice#configured()}).
     */
    public MatMul(ParallelExecutor executor) {
        this(executor, KernelChoice.configured());
    }

    /**
     * A multiplier running on {@code executor}'s threads with the given kernels.
     *
     * @throws IllegalStateException if {@code kernels} is {@link KernelChoice#NATIVE} and the native kernels are
     *         unavailable on this machine
     */
    public MatMul(ParallelExecutor executor, KernelChoice kernels) {
        this.executor = Objects.requireNonNull(executor, "executor");
        this.nativePath = switch (Objects.requireNonNull(kernels, "kernels")) {
            case JAVA -> null;
            case AUTO -> NativeKernels.isAvailable() ? new NativeMatMul(executor) : null;
            case NATIVE -> new NativeMatMul(executor);
        };
        this.panels = new double[executor.numThreads()][0];
        this.rowScratch = new float[executor.numThreads()][2 * PANEL_COLS];
        this.accumulators = new float[executor.numThreads()][0];
        this.rowPairs = new float[executor.numThreads()][0];
        this.pairSums = new float[executor.numThreads()][8];
    }

    /** The executor this multiplier runs on. */
    public ParallelExecutor executor() {
        return executor;
    }

    /** Whether Q8_0 products run on the native kernels. */
    public boolean usesNativeKernels() {
        return nativePath != null;
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
        if (nativePath != null && NativeMatMul.supports(w)) {
            nativePath.multiply(w, x, batch, out);
            return;
        }
        this.weights = w;
        this.x = x;
        this.out = out;
        this.batch = batch;
        try {
            if (batch == 1) {
                multiplyByRowDots();
            } else if (batch < MIN_GEMM_BATCH) {
                multiplyBySmallBatch();
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

    private void multiplyBySmallBatch() {
        int numThreads = executor.numThreads();
        int rows = weights.rows();
        int target = Math.max(MIN_ROWS_PER_DOT_TASK, ceilDiv(rows, numThreads * TASKS_PER_THREAD));
        rowsPerTask = ceilDiv(target, 2) * 2;
        int neededScratch = 2 * weights.cols();
        for (int t = 0; t < rowPairs.length; t++) {
            if (rowPairs[t].length < neededScratch) {
                rowPairs[t] = new float[neededScratch];
            }
        }
        executor.parallelFor(ceilDiv(rows, rowsPerTask), smallBatchTask);
    }

    /** Dequantises two rows at a time and dots them with every activation row (up to four per pass). */
    private void smallBatchTask(int taskIndex, int workerIndex) {
        WeightMatrix w = weights;
        int rows = w.rows();
        int cols = w.cols();
        int start = taskIndex * rowsPerTask;
        int end = Math.min(rows, start + rowsPerTask);
        float[] pair = rowPairs[workerIndex];
        float[] sums = pairSums[workerIndex];
        for (int r = start; r < end; r += 2) {
            boolean second = r + 1 < end;
            w.dequantize(r, 0, cols, pair, 0);
            w.dequantize(second ? r + 1 : r, 0, cols, pair, cols);
            for (int b0 = 0; b0 < batch; b0 += 4) {
                int numRows = Math.min(4, batch - b0);
                int xOffset = b0 * cols;
                if (numRows == 4) {
                    DotKernels.rows2x4(pair, cols, x, xOffset, cols, cols, sums, 0, 2);
                } else {
                    int done = 0;
                    if (numRows >= 2) {
                        DotKernels.rows2x2(pair, cols, x, xOffset, cols, cols, sums, 0, 2);
                        done = 2;
                    }
                    if (numRows - done == 1) {
                        DotKernels.rows2x1(pair, cols, x, xOffset + done * cols, cols, cols, sums, 2 * done, 2);
                    }
                }
                for (int b = 0; b < numRows; b++) {
                    out[(b0 + b) * rows + r] = sums[2 * b];
                    if (second) {
                        out[(b0 + b) * rows + r + 1] = sums[2 * b + 1];
                    }
                }
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
        panelPairs = paddedBatch / groupRows == 2 ? GemmKernels.NARROW_PANEL_PAIRS : GemmKernels.WIDE_PANEL_PAIRS;
        int panelRows = 2 * panelPairs;
        int target = ceilDiv(ceilDiv(rows, numThreads * TASKS_PER_THREAD), panelRows) * panelRows;
        rowsPerTask = Math.min(MAX_ROWS_PER_GEMM_TASK / panelRows * panelRows, target);
        // Column blocks whose transposed activations fit half of L2 (at least one chunk, at most all columns).
        long bytesPerCol = (long) 2 * paddedBatch * Float.BYTES;
        blockCols = (int) Math.max(PANEL_COLS, Math.min(cols, L2_BUDGET_BYTES / bytesPerCol / PANEL_COLS * PANEL_COLS));
        int neededAcc = rowsPerTask * 2 * paddedBatch;
        int neededPanel = panelPairs * blockCols;
        for (int t = 0; t < accumulators.length; t++) {
            if (accumulators[t].length < neededAcc) {
                accumulators[t] = new float[neededAcc];
            }
            if (panels[t].length < neededPanel) {
                panels[t] = new double[neededPanel];
            }
            if (rowScratch[t].length < 2 * blockCols) {
                rowScratch[t] = new float[2 * blockCols];
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
        Arrays.fill(acc, 0, ceilDiv(endRow - firstRow, panelRows) * panelAcc, 0f);
        float[] xt = transposed;
        // Column blocks keep their transposed activations in L2 while the task's panels pass over them. Each
        // panel's rows are dequantised for the whole block in one go: a few sequential streams that the
        // hardware prefetcher follows, rather than short pieces interleaved with the kernels.
        int ldp = blockCols;
        for (int block = 0; block < cols; block += ldp) {
            int blockLength = Math.min(ldp, cols - block);
            for (int panelRow = firstRow; panelRow < endRow; panelRow += panelRows) {
                for (int pair = 0; pair < pairs && panelRow + 2 * pair < endRow; pair++) {
                    w.dequantizePair(panelRow + 2 * pair, block, blockLength, panel, pair * ldp, scratch);
                }
                int accOffset = (panelRow - firstRow) / panelRows * panelAcc;
                for (int col = block; col < block + blockLength; col += PANEL_COLS) {
                    int numCols = Math.min(PANEL_COLS, block + blockLength - col);
                    runKernels(pairs, panel, col - block, ldp, xt, col * ldx, ldx, numCols, numGroups, acc, accOffset);
                }
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
    private static void runKernels(int pairs, double[] panel, int panelOffset, int ldp, float[] xt, int xOffset,
            int ldx, int numCols, int numGroups, float[] acc, int accOffset) {
        if (pairs == GemmKernels.NARROW_PANEL_PAIRS) {
            assert numGroups == 2;
            GemmKernels.pairs6x2(panel, panelOffset, ldp, xt, xOffset, ldx, numCols, acc, accOffset, ldx);
            return;
        }
        int g = 0;
        for (; g + 6 <= numGroups; g += 6) {
            GemmKernels.pairs4x6(panel, panelOffset, ldp, xt, xOffset + g * LANES, ldx, numCols,
                    acc, accOffset + g * LANES, ldx);
        }
        if (numGroups - g >= 4) {
            GemmKernels.pairs4x4(panel, panelOffset, ldp, xt, xOffset + g * LANES, ldx, numCols,
                    acc, accOffset + g * LANES, ldx);
            g += 4;
        }
        if (numGroups - g >= 2) {
            GemmKernels.pairs4x2(panel, panelOffset, ldp, xt, xOffset + g * LANES, ldx, numCols,
                    acc, accOffset + g * LANES, ldx);
            g += 2;
        }
        if (numGroups - g == 1) {
            GemmKernels.pairs4x1(panel, panelOffset, ldp, xt, xOffset + g * LANES, ldx, numCols,
                    acc, accOffset + g * LANES, ldx);
        }
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
