package io.kvasir.engine.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kvasir.api.plugin.KvCodec;
import io.kvasir.api.plugin.PluginKind;
import io.kvasir.engine.gguf.GgmlType;
import io.kvasir.engine.gguf.GgufFile;
import io.kvasir.engine.gguf.GgufTensor;
import io.kvasir.engine.kernel.ParallelExecutor;
import io.kvasir.engine.model.synth.ModelShape;
import io.kvasir.engine.model.synth.SyntheticModelWriter;
import io.kvasir.engine.plugin.PluginRegistry;

/**
 * Qwen2 (bias on Q, K and V; NeoX RoPE) on a synthetic {@code qwen2} GGUF: the engine's forward pass (Vector
 * API kernels, paged KV cache, batched prefill, then decode steps) against a straightforward scalar forward
 * in double precision written from the architecture's definition, at every position.
 */
class Qwen2ForwardTest {

    /** GQA (4 query heads share 2 KV heads), head size 16, two layers; F32 weights so the reference reads them as is. */
    private static final ModelShape SHAPE = new ModelShape("qwen2-test", 64, 2, 4, 2, 96, 320, 64);
    private static final int[] TOKENS = {1, 17, 250, 33, 4, 299, 88, 140, 9, 61};
    private static final int PROMPT_LENGTH = 6;
    private static final int BLOCK_SIZE = 4;
    private static final double TOLERANCE = 1e-3;
    private static final ValueLayout.OfFloat LITTLE_ENDIAN_FLOAT =
            ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);

    @Test
    void theForwardPassMatchesAScalarReferenceAtEveryPosition(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("qwen2.gguf");
        new SyntheticModelWriter(SHAPE, GgmlType.F32, 11, "qwen2").write(file);
        KvCodec f32 = PluginRegistry.load().create(PluginKind.KV_CODEC, "f32", Map.of(), KvCodec.class);
        try (GgufFile gguf = GgufFile.open(file); ParallelExecutor executor = new ParallelExecutor(2)) {
            LlamaConfig config = LlamaConfig.fromMetadata(gguf.metadata(), SHAPE.vocabSize());
            assertThat(config.architecture()).isEqualTo("qwen2");
            assertThat(config.qkvBias()).isTrue();
            assertThat(config.ropeNeox()).isTrue();
            float[][] ours = engineLogits(gguf, config, executor, f32);

            ScalarReference reference = new ScalarReference(gguf, config, true, true);
            double[][] expected = reference.logits(TOKENS);
            double maxDiff = 0;
            for (int p = 0; p < TOKENS.length; p++) {
                for (int j = 0; j < config.vocabSize(); j++) {
                    maxDiff = Math.max(maxDiff, Math.abs(ours[p][j] - expected[p][j]));
                }
                double[] ourRow = new double[ours[p].length];
                for (int j = 0; j < ourRow.length; j++) {
                    ourRow[j] = ours[p][j];
                }
                assertThat(argmax(ourRow)).as("argmax at position %d", p).isEqualTo(argmax(expected[p]));
            }
            assertThat(maxDiff).isLessThan(TOLERANCE);

            // The comparison can tell: without the biases, or with Llama's adjacent-pair RoPE, logits move far more.
            assertThat(maxDifference(expected, new ScalarReference(gguf, config, false, true).logits(TOKENS)))
                    .isGreaterThan(100 * TOLERANCE);
            assertThat(maxDifference(expected, new ScalarReference(gguf, config, true, false).logits(TOKENS)))
                    .isGreaterThan(100 * TOLERANCE);
        }
    }

    @Test
    void aSyntheticModelOfAnUnknownArchitectureIsRefused() {
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
                .isThrownBy(() -> new SyntheticModelWriter(SHAPE, GgmlType.F32, 1, "gemma"))
                .withMessageContaining("llama or qwen2, not gemma");
    }

    /** The prompt in one batched step, then one decode step per token, through a paged cache of 4-token blocks. */
    private static float[][] engineLogits(GgufFile gguf, LlamaConfig config, ParallelExecutor executor, KvCodec codec) {
        LlamaModel model = new LlamaModel(config, LlamaWeights.load(gguf, config), executor, 16, SHAPE.contextLength(), 1);
        float[][] logits = new float[TOKENS.length][];
        int vocab = config.vocabSize();
        try (PagedKvMemory kv = new PagedKvMemory(config.numLayers(), SHAPE.contextLength() / BLOCK_SIZE, BLOCK_SIZE,
                config.numKvHeads(), config.headDim(), codec)) {
            // Blocks out of order, so the block table is really followed.
            int[] blockTable = new int[SHAPE.contextLength() / BLOCK_SIZE];
            for (int i = 0; i < blockTable.length; i++) {
                blockTable[i] = blockTable.length - 1 - i;
            }
            ForwardBatch batch = new ForwardBatch(16, 1);
            int seq = batch.addSequence(blockTable);
            for (int p = 0; p < PROMPT_LENGTH; p++) {
                batch.addToken(seq, TOKENS[p], p, true);
            }
            float[] out = model.forward(batch, kv);
            for (int p = 0; p < PROMPT_LENGTH; p++) {
                logits[p] = java.util.Arrays.copyOfRange(out, p * vocab, (p + 1) * vocab);
            }
            for (int p = PROMPT_LENGTH; p < TOKENS.length; p++) {
                batch.clear();
                seq = batch.addSequence(blockTable);
                batch.addToken(seq, TOKENS[p], p, true);
                logits[p] = java.util.Arrays.copyOf(model.forward(batch, kv), vocab);
            }
        }
        return logits;
    }

    private static double maxDifference(double[][] a, double[][] b) {
        double max = 0;
        for (int p = 0; p < a.length; p++) {
            for (int j = 0; j < a[p].length; j++) {
                max = Math.max(max, Math.abs(a[p][j] - b[p][j]));
            }
        }
        return max;
    }

    private static int argmax(double[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }

    /**
     * The Qwen2 forward pass as its definition reads, one token at a time over all earlier ones, in doubles,
     * from the F32 tensors of the file: RMSNorm, Q/K/V projections plus bias, rotary encoding of the two halves
     * of each head, causal grouped-query attention, output projection, SwiGLU feed-forward, final norm and
     * output projection. The switches turn the biases off or use adjacent-pair rotation instead, to show the
     * comparison notices either.
     */
    private static final class ScalarReference {
        private final GgufFile gguf;
        private final LlamaConfig c;
        private final boolean useBias;
        private final boolean neox;

        ScalarReference(GgufFile gguf, LlamaConfig config, boolean useBias, boolean neox) {
            this.gguf = gguf;
            this.c = config;
            this.useBias = useBias;
            this.neox = neox;
        }

        double[][] logits(int[] tokens) {
            int n = tokens.length;
            int headDim = c.headDim();
            double[][] x = new double[n][];
            for (int t = 0; t < n; t++) {
                x[t] = row("token_embd.weight", tokens[t], c.dim());
            }
            for (int l = 0; l < c.numLayers(); l++) {
                String p = "blk." + l + ".";
                double[][] q = new double[n][];
                double[][] k = new double[n][];
                double[][] v = new double[n][];
                for (int t = 0; t < n; t++) {
                    double[] h = rmsNorm(x[t], vector(p + "attn_norm.weight"));
                    q[t] = project(p + "attn_q", h, c.qDim());
                    k[t] = project(p + "attn_k", h, c.kvDim());
                    v[t] = project(p + "attn_v", h, c.kvDim());
                    rope(q[t], c.numHeads(), t);
                    rope(k[t], c.numKvHeads(), t);
                }
                for (int t = 0; t < n; t++) {
                    double[] attended = new double[c.qDim()];
                    for (int head = 0; head < c.numHeads(); head++) {
                        int kvHead = head / (c.numHeads() / c.numKvHeads());
                        double[] weights = new double[t + 1];
                        double max = Double.NEGATIVE_INFINITY;
                        for (int s = 0; s <= t; s++) {
                            double dot = 0;
                            for (int i = 0; i < headDim; i++) {
                                dot += q[t][head * headDim + i] * k[s][kvHead * headDim + i];
                            }
                            weights[s] = dot / Math.sqrt(headDim);
                            max = Math.max(max, weights[s]);
                        }
                        double sum = 0;
                        for (int s = 0; s <= t; s++) {
                            weights[s] = Math.exp(weights[s] - max);
                            sum += weights[s];
                        }
                        for (int s = 0; s <= t; s++) {
                            for (int i = 0; i < headDim; i++) {
                                attended[head * headDim + i] += weights[s] / sum * v[s][kvHead * headDim + i];
                            }
                        }
                    }
                    add(x[t], matVec(p + "attn_output.weight", attended, c.dim()));
                    double[] h = rmsNorm(x[t], vector(p + "ffn_norm.weight"));
                    double[] gate = matVec(p + "ffn_gate.weight", h, c.ffnDim());
                    double[] up = matVec(p + "ffn_up.weight", h, c.ffnDim());
                    for (int i = 0; i < gate.length; i++) {
                        gate[i] = gate[i] / (1 + Math.exp(-gate[i])) * up[i];
                    }
                    add(x[t], matVec(p + "ffn_down.weight", gate, c.dim()));
                }
            }
            double[][] logits = new double[n][];
            for (int t = 0; t < n; t++) {
                logits[t] = matVec("output.weight", rmsNorm(x[t], vector("output_norm.weight")), c.vocabSize());
            }
            return logits;
        }

        private double[] project(String name, double[] in, int rows) {
            double[] out = matVec(name + ".weight", in, rows);
            if (useBias) {
                add(out, vector(name + ".bias"));
            }
            return out;
        }

        /** Rotates pairs (i, i + half) of each head by position × base^(-2i / headDim), or pairs (2i, 2i + 1). */
        private void rope(double[] vec, int numHeads, int position) {
            int headDim = c.headDim();
            int half = headDim / 2;
            for (int h = 0; h < numHeads; h++) {
                for (int i = 0; i < half; i++) {
                    double angle = position * Math.pow(c.ropeTheta(), -2.0 * i / headDim);
                    int a = neox ? h * headDim + i : h * headDim + 2 * i;
                    int b = neox ? a + half : a + 1;
                    double x0 = vec[a];
                    double x1 = vec[b];
                    vec[a] = x0 * Math.cos(angle) - x1 * Math.sin(angle);
                    vec[b] = x0 * Math.sin(angle) + x1 * Math.cos(angle);
                }
            }
        }

        private double[] rmsNorm(double[] in, double[] weight) {
            double squares = 0;
            for (double value : in) {
                squares += value * value;
            }
            double scale = 1 / Math.sqrt(squares / in.length + c.rmsEps());
            double[] out = new double[in.length];
            for (int i = 0; i < in.length; i++) {
                out[i] = in[i] * scale * weight[i];
            }
            return out;
        }

        private double[] matVec(String name, double[] in, int rows) {
            double[] out = new double[rows];
            for (int r = 0; r < rows; r++) {
                double[] w = row(name, r, in.length);
                for (int i = 0; i < in.length; i++) {
                    out[r] += w[i] * in[i];
                }
            }
            return out;
        }

        private static void add(double[] into, double[] values) {
            for (int i = 0; i < into.length; i++) {
                into[i] += values[i];
            }
        }

        private double[] vector(String name) {
            GgufTensor tensor = gguf.tensor(name);
            return row(name, 0, (int) tensor.numElements());
        }

        /** Row {@code r} of an F32 tensor with {@code cols} columns. */
        private double[] row(String name, int r, int cols) {
            GgufTensor tensor = gguf.tensor(name);
            assertThat(tensor.type()).as(name).isEqualTo(GgmlType.F32);
            MemorySegment data = tensor.data();
            double[] out = new double[cols];
            for (int i = 0; i < cols; i++) {
                out[i] = data.getAtIndex(LITTLE_ENDIAN_FLOAT, (long) r * cols + i);
            }
            return out;
        }
    }
}
