package io.kvasir.engine.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.kvasir.engine.gguf.GgmlType;

class MatMulTest {

    private static ParallelExecutor twoThreads;
    private static ParallelExecutor threeThreads;

    @BeforeAll
    static void startPools() {
        twoThreads = new ParallelExecutor(2);
        threeThreads = new ParallelExecutor(3);
    }

    @AfterAll
    static void stopPools() {
        twoThreads.close();
        threeThreads.close();
    }

    /** Checks every output against a double-precision dot of the reference-dequantised weights. */
    private static void assertMatchesReference(WeightMatrix w, float[][] weights, float[] x, int batch, float[] out,
            String what) {
        int rows = w.rows();
        int cols = w.cols();
        for (int b = 0; b < batch; b++) {
            for (int r = 0; r < rows; r++) {
                double expected = 0;
                double magnitude = 0;
                for (int c = 0; c < cols; c++) {
                    double product = (double) weights[r][c] * x[b * cols + c];
                    expected += product;
                    magnitude += Math.abs(product);
                }
                double error = Math.abs(out[b * rows + r] - expected);
                if (error > magnitude * 2e-6 + 1e-30) {
                    throw new AssertionError(what + ": out[b=" + b + "][r=" + r + "] = " + out[b * rows + r]
                            + ", expected " + expected + " (error " + error + ", scale " + magnitude + ")");
                }
            }
        }
    }

    @Test
    void everyTypeAndBatchSizeMatchesTheReference() {
        int[][] shapes = {{1, 256}, {37, 512}, {130, 768}};
        int numCombinations = 0;
        for (GgmlType type : TestWeights.TYPES) {
            for (int[] shape : shapes) {
                int rows = shape[0];
                int cols = shape[1] + (type.blockSize() == 1 ? 9 : 0);
                MemorySegment data = TestWeights.randomMatrix(type, rows, cols, 1000L * rows + type.id());
                WeightMatrix w = WeightMatrix.of(type, data, rows, cols);
                float[][] weights = ReferenceDequantizer.dequantizeMatrix(type, data, rows, cols);
                MatMul matMul = new MatMul(twoThreads, KernelChoice.JAVA);
                for (int batch = 1; batch <= 17; batch++) {
                    float[] x = TestWeights.randomActivations(batch * cols, batch);
                    float[] out = new float[batch * rows + 1];
                    out[batch * rows] = 42f;
                    matMul.multiply(w, x, batch, out);
                    assertMatchesReference(w, weights, x, batch, out, type + " " + rows + "x" + cols + " batch " + batch);
                    assertThat(out[batch * rows]).as("writes nothing past batch * rows").isEqualTo(42f);
                    numCombinations++;
                }
            }
        }
        assertThat(numCombinations).isEqualTo(TestWeights.TYPES.size() * shapes.length * 17);
    }

    @Test
    void largeBatchesUseEveryMicroKernelCombination() {
        // Lane groups 2..13 cover the 6-, 4-, 2- and 1-group kernels alone and combined (13 = 6 + 6 + 1); the
        // GEMM path starts at MIN_GEMM_BATCH, so the first case is two groups again, with twelve-row panels.
        int groupRows = GemmKernels.ROWS_PER_GROUP;
        int numCombinations = 0;
        for (GgmlType type : new GgmlType[] {GgmlType.Q8_0, GgmlType.Q4_K, GgmlType.F16}) {
            int rows = 45;
            int cols = 768 + (type == GgmlType.F16 ? 5 : 0);
            MemorySegment data = TestWeights.randomMatrix(type, rows, cols, 5 + type.id());
            WeightMatrix w = WeightMatrix.of(type, data, rows, cols);
            float[][] weights = ReferenceDequantizer.dequantizeMatrix(type, data, rows, cols);
            MatMul matMul = new MatMul(threeThreads, KernelChoice.JAVA);
            for (int groups = 1; groups <= 13; groups++) {
                int batch = Math.max(MatMul.MIN_GEMM_BATCH, groups * groupRows - (groups % 2));
                float[] x = TestWeights.randomActivations(batch * cols, 77 + groups);
                float[] out = new float[batch * rows];
                matMul.multiply(w, x, batch, out);
                assertMatchesReference(w, weights, x, batch, out, type + " batch " + batch);
                numCombinations++;
            }
        }
        assertThat(numCombinations).isEqualTo(3 * 13);
    }

    @Test
    void sameResultWhateverTheThreadCount() {
        GgmlType type = GgmlType.Q6_K;
        int rows = 77;
        int cols = 512;
        WeightMatrix w = WeightMatrix.of(type, TestWeights.randomMatrix(type, rows, cols, 3), rows, cols);
        for (int batch : new int[] {1, 5, 16, 33}) {
            float[] x = TestWeights.randomActivations(batch * cols, batch);
            float[] reference = null;
            for (int threads = 1; threads <= 4; threads++) {
                try (ParallelExecutor executor = new ParallelExecutor(threads)) {
                    float[] out = new float[batch * rows];
                    new MatMul(executor, KernelChoice.JAVA).multiply(w, x, batch, out);
                    if (reference == null) {
                        reference = out;
                    } else {
                        // Row partitioning must not change sums; only the JIT tier's lane-reduction order may.
                        for (int i = 0; i < out.length; i++) {
                            assertThat(out[i]).as("batch %d threads %d out[%d]", batch, threads, i)
                                    .isCloseTo(reference[i], within(Math.abs(reference[i]) * 1e-5f + 1e-3f));
                        }
                    }
                }
            }
        }
    }

    @Test
    void reusesScratchAcrossShapesWithoutStaleResults() {
        MatMul matMul = new MatMul(twoThreads, KernelChoice.JAVA);
        GgmlType type = GgmlType.Q8_0;
        int[][] calls = {{64, 256, 40}, {9, 512, 17}, {64, 256, 40}, {200, 256, 16}, {3, 1024, 9}};
        for (int[] call : calls) {
            int rows = call[0];
            int cols = call[1];
            int batch = call[2];
            MemorySegment data = TestWeights.randomMatrix(type, rows, cols, rows * 31L + cols);
            WeightMatrix w = WeightMatrix.of(type, data, rows, cols);
            float[] x = TestWeights.randomActivations(batch * cols, batch + rows);
            float[] out = new float[batch * rows];
            Arrays.fill(out, Float.NaN);
            matMul.multiply(w, x, batch, out);
            assertMatchesReference(w, ReferenceDequantizer.dequantizeMatrix(type, data, rows, cols), x, batch, out,
                    Arrays.toString(call));
        }
    }

    @Test
    void rejectsTooSmallArrays() {
        MatMul matMul = new MatMul(twoThreads, KernelChoice.JAVA);
        WeightMatrix w = WeightMatrix.of(GgmlType.F32, TestWeights.randomMatrix(GgmlType.F32, 4, 8, 1), 4, 8);
        assertThatThrownBy(() -> matMul.multiply(w, new float[15], 2, new float[8]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("x holds");
        assertThatThrownBy(() -> matMul.multiply(w, new float[16], 2, new float[7]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("out holds");
        assertThatThrownBy(() -> matMul.multiply(w, new float[16], 0, new float[8]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("batch");
    }
}
