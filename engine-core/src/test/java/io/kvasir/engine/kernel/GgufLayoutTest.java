package io.kvasir.engine.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.kvasir.engine.gguf.GgmlType;
import io.kvasir.engine.gguf.GgufFile;
import io.kvasir.engine.gguf.GgufTensor;
import io.kvasir.engine.testing.SharedFiles;

/**
 * The kernels against the real block layouts of llama.cpp's quantiser: tiny-gqa in five types, each made
 * from the f32 file, must decode to the f32 weights within each type's quantisation error, and the kernels
 * must agree with the scalar reference decoder on the same bytes.
 */
class GgufLayoutTest {

    /** Worst error allowed over a block of 32 weights, relative to the block's largest magnitude. */
    private static final Map<String, Double> BLOCK_ERROR = Map.of(
            "f16", 1e-3,
            "q8_0", 0.6 / 127 + 1e-3,
            "q6_k", 0.06,
            "q4_0", 1.0 / 8 + 0.01,
            "q4_k", 0.2);

    @Test
    void quantisedFilesDecodeToTheF32WeightsWithinTheirError() throws IOException {
        Map<GgmlType, Integer> matricesByType = new HashMap<>();
        try (GgufFile f32 = GgufFile.open(SharedFiles.require("models/tiny-gqa-f32.gguf"))) {
            for (Map.Entry<String, Double> entry : BLOCK_ERROR.entrySet()) {
                try (GgufFile quantised = GgufFile.open(SharedFiles.require("models/tiny-gqa-" + entry.getKey() + ".gguf"))) {
                    for (GgufTensor tensor : quantised.tensors()) {
                        if (tensor.dims().length != 2) {
                            continue;
                        }
                        int cols = (int) tensor.dim(0);
                        int rows = (int) tensor.dim(1);
                        WeightMatrix w = WeightMatrix.of(tensor.type(), tensor.data(), rows, cols);
                        WeightMatrix exact = WeightMatrix.of(GgmlType.F32, f32.tensor(tensor.name()).data(), rows, cols);
                        assertDecodesClose(w, exact, entry.getValue(), entry.getKey() + " " + tensor.name());
                        matricesByType.merge(tensor.type(), 1, Integer::sum);
                    }
                }
            }
        }
        assertThat(matricesByType).as("matrices checked per type")
                .containsKeys(GgmlType.F16, GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q4_K, GgmlType.Q6_K);
    }

    private static void assertDecodesClose(WeightMatrix w, WeightMatrix exact, double maxBlockError, String what) {
        float[] actual = new float[w.cols()];
        float[] expected = new float[w.cols()];
        float[] reference = ReferenceDequantizer.dequantize(w.type(), w.data(), 0, w.rows() * w.cols());
        for (int r = 0; r < w.rows(); r++) {
            w.dequantizeRow(r, actual, 0);
            exact.dequantizeRow(r, expected, 0);
            for (int c = 0; c < w.cols(); c++) {
                float ref = reference[r * w.cols() + c];
                assertThat(actual[c]).as("%s [%d][%d] against the reference decoder", what, r, c)
                        .isCloseTo(ref, within(Math.abs(ref) * 1e-6f + 1e-30f));
            }
            for (int block = 0; block < w.cols(); block += 32) {
                double amax = 0;
                double error = 0;
                for (int c = block; c < block + 32; c++) {
                    amax = Math.max(amax, Math.abs(expected[c]));
                    error = Math.max(error, Math.abs(expected[c] - actual[c]));
                }
                assertThat(error).as("%s row %d block at %d (max %s)", what, r, block, amax)
                        .isLessThanOrEqualTo(maxBlockError * amax + 1e-12);
            }
        }
    }

    @Test
    void matMulOnRealLayoutsMatchesTheF32Product() throws IOException {
        try (ParallelExecutor executor = new ParallelExecutor(2);
                GgufFile quantised = GgufFile.open(SharedFiles.require("models/tiny-gqa-q4_k.gguf"))) {
            MatMul matMul = new MatMul(executor, KernelChoice.JAVA);
            int numChecked = 0;
            for (GgufTensor tensor : quantised.tensors()) {
                if (tensor.dims().length != 2 || !tensor.name().startsWith("blk.0.")) {
                    continue;
                }
                int cols = (int) tensor.dim(0);
                int rows = (int) tensor.dim(1);
                WeightMatrix w = WeightMatrix.of(tensor.type(), tensor.data(), rows, cols);
                float[][] weights = ReferenceDequantizer.dequantizeMatrix(w.type(), w.data(), rows, cols);
                for (int batch : new int[] {1, 3, 16, 21}) {
                    float[] x = TestWeights.randomActivations(batch * cols, batch);
                    float[] out = new float[batch * rows];
                    matMul.multiply(w, x, batch, out);
                    for (int b = 0; b < batch; b++) {
                        for (int r = 0; r < rows; r++) {
                            double sum = 0;
                            double magnitude = 0;
                            for (int c = 0; c < cols; c++) {
                                sum += (double) weights[r][c] * x[b * cols + c];
                                magnitude += Math.abs((double) weights[r][c] * x[b * cols + c]);
                            }
                            assertThat((double) out[b * rows + r]).as("%s batch %d [%d][%d]", tensor.name(), batch, b, r)
                                    .isCloseTo(sum, within(magnitude * 2e-6));
                        }
                    }
                    numChecked++;
                }
            }
            assertThat(numChecked).as("blk.0 matrices x batch sizes").isEqualTo(7 * 4);
        }
    }
}
