package io.kvasir.engine.model;

import org.jspecify.annotations.Nullable;

import io.kvasir.engine.gguf.GgufFile;
import io.kvasir.engine.gguf.GgufFormatException;
import io.kvasir.engine.gguf.GgufTensor;
import io.kvasir.engine.kernel.WeightMatrix;

/**
 * The weights of a Llama-family model as zero-copy views into a GGUF file. Matrices stay in their file
 * type; norm vectors and biases (small) are copied to float arrays.
 *
 * <p>Every tensor's shape is checked against the {@link LlamaConfig} before use; a mismatch names the tensor.
 */
public final class LlamaWeights {

    /** The weights of one transformer block. */
    public record Layer(float[] attnNorm, WeightMatrix wq, WeightMatrix wk, WeightMatrix wv, WeightMatrix wo,
            float @Nullable [] bq, float @Nullable [] bk, float @Nullable [] bv,
            float[] ffnNorm, WeightMatrix wGate, WeightMatrix wUp, WeightMatrix wDown) {
    }

    private final WeightMatrix tokenEmbedding;
    private final WeightMatrix output;
    private final float[] outputNorm;
    private final Layer[] layers;
    private final float @Nullable [] ropeFreqFactors;

    private LlamaWeights(WeightMatrix tokenEmbedding, WeightMatrix output, float[] outputNorm, Layer[] layers,
            float @Nullable [] ropeFreqFactors) {
        this.tokenEmbedding = tokenEmbedding;
        this.output = output;
        this.outputNorm = outputNorm;
        this.layers = layers;
        this.ropeFreqFactors = ropeFreqFactors;
    }

    /** Vocabulary × dim embedding table. */
    public WeightMatrix tokenEmbedding() {
        return tokenEmbedding;
    }

    /** Vocabulary × dim output projection (the embedding table when the model ties them). */
    public WeightMatrix output() {
        return output;
    }

    public float[] outputNorm() {
        return outputNorm;
    }

    public Layer layer(int index) {
        return layers[index];
    }

    /** Llama 3 style per-frequency RoPE divisors, or null. */
    public float @Nullable [] ropeFreqFactors() {
        return ropeFreqFactors;
    }

    /** Binds the tensors of {@code gguf} to {@code config}'s shapes. */
    public static LlamaWeights load(GgufFile gguf, LlamaConfig config) {
        int dim = config.dim();
        WeightMatrix embedding = matrix(gguf, "token_embd.weight", config.vocabSize(), dim);
        WeightMatrix output = gguf.findTensor("output.weight").isPresent()
                ? matrix(gguf, "output.weight", config.vocabSize(), dim) : embedding;
        float[] outputNorm = vector(gguf, "output_norm.weight", dim);
        Layer[] layers = new Layer[config.numLayers()];
        for (int i = 0; i < layers.length; i++) {
            String p = "blk." + i + ".";
            layers[i] = new Layer(
                    vector(gguf, p + "attn_norm.weight", dim),
                    matrix(gguf, p + "attn_q.weight", config.qDim(), dim),
                    matrix(gguf, p + "attn_k.weight", config.kvDim(), dim),
                    matrix(gguf, p + "attn_v.weight", config.kvDim(), dim),
                    matrix(gguf, p + "attn_output.weight", dim, config.qDim()),
                    config.qkvBias() ? vector(gguf, p + "attn_q.bias", config.qDim()) : null,
                    config.qkvBias() ? vector(gguf, p + "attn_k.bias", config.kvDim()) : null,
                    config.qkvBias() ? vector(gguf, p + "attn_v.bias", config.kvDim()) : null,
                    vector(gguf, p + "ffn_norm.weight", dim),
                    matrix(gguf, p + "ffn_gate.weight", config.ffnDim(), dim),
                    matrix(gguf, p + "ffn_up.weight", config.ffnDim(), dim),
                    matrix(gguf, p + "ffn_down.weight", dim, config.ffnDim()));
        }
        float[] freqFactors = gguf.findTensor("rope_freqs.weight").isPresent()
                ? vector(gguf, "rope_freqs.weight", config.ropeDim() / 2) : null;
        return new LlamaWeights(embedding, output, outputNorm, layers, freqFactors);
    }

    private static WeightMatrix matrix(GgufFile gguf, String name, int rows, int cols) {
        GgufTensor t = gguf.tensor(name);
        if (t.dims().length != 2 || t.dim(0) != cols || t.dim(1) != rows) {
            throw new GgufFormatException(gguf.path(), name, "shape " + java.util.Arrays.toString(t.dims())
                    + " does not match the model's [" + cols + ", " + rows + "]");
        }
        if (!t.type().isSupportedForWeights()) {
            throw new GgufFormatException(gguf.path(), name, "tensor type " + t.type() + " is not supported "
                    + "(supported: F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q6_K)");
        }
        return WeightMatrix.of(t.type(), t.data(), rows, cols);
    }

    private static float[] vector(GgufFile gguf, String name, int length) {
        GgufTensor t = gguf.tensor(name);
        if (t.numElements() != length || t.dims().length != 1) {
            throw new GgufFormatException(gguf.path(), name, "shape " + java.util.Arrays.toString(t.dims())
                    + " does not match the model's [" + length + "]");
        }
        if (!t.type().isSupportedForWeights()) {
            throw new GgufFormatException(gguf.path(), name, "tensor type " + t.type() + " is not supported");
        }
        float[] values = new float[length];
        WeightMatrix.of(t.type(), t.data(), 1, length).dequantizeRow(0, values, 0);
        return values;
    }
}
