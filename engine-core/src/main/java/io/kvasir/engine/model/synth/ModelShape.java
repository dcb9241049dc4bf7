package io.kvasir.engine.model.synth;

import java.util.Arrays;
import java.util.Locale;

/**
 * The hyper-parameters of a synthetic Llama model.
 *
 * @param name the shape's name
 * @param dim embedding width
 * @param numLayers transformer blocks
 * @param numHeads query heads
 * @param numKvHeads key/value heads
 * @param ffnDim feed-forward width
 * @param vocabSize vocabulary size
 * @param contextLength context length written to the metadata
 */
public record ModelShape(String name, int dim, int numLayers, int numHeads, int numKvHeads, int ffnDim, int vocabSize,
        int contextLength) {

    /** The embedded default: small enough to create in a second, shaped like a real Llama. */
    public static final ModelShape TINY = new ModelShape("tiny", 256, 4, 8, 2, 768, 2048, 1024);
    /** TinyLlama 1.1B's shape: the benchmark model (1.09 GiB in Q8_0). */
    public static final ModelShape TINYLLAMA_1_1B = new ModelShape("tinyllama-1.1b", 2048, 22, 32, 4, 5632, 32000, 2048);
    /** SmolLM-135M's shape. */
    public static final ModelShape SMOLLM_135M = new ModelShape("smollm-135m", 576, 30, 9, 3, 1536, 49152, 2048);

    private static final ModelShape[] KNOWN = {TINY, TINYLLAMA_1_1B, SMOLLM_135M};

    public ModelShape {
        if (dim <= 0 || numLayers <= 0 || numHeads <= 0 || numKvHeads <= 0 || ffnDim <= 0 || vocabSize < 300
                || contextLength <= 0) {
            throw new IllegalArgumentException("shape sizes must be positive and the vocabulary at least 300 tokens");
        }
        if (dim % numHeads != 0 || numHeads % numKvHeads != 0) {
            throw new IllegalArgumentException("dim must divide by heads and heads by KV heads: dim " + dim
                    + ", heads " + numHeads + ", KV heads " + numKvHeads);
        }
        if (dim % 256 != 0 && dim % 32 != 0) {
            throw new IllegalArgumentException("dim must be a multiple of 32 (quantisation blocks), got " + dim);
        }
    }

    public int headDim() {
        return dim / numHeads;
    }

    /** The named shape, or an exception listing the known names. */
    public static ModelShape named(String name) {
        for (ModelShape shape : KNOWN) {
            if (shape.name.equals(name.toLowerCase(Locale.ROOT))) {
                return shape;
            }
        }
        throw new IllegalArgumentException("unknown shape '" + name + "' (known: "
                + String.join(", ", Arrays.stream(KNOWN).map(ModelShape::name).toList()) + ")");
    }

    /** Number of weights. */
    public long numParameters() {
        long perLayer = 2L * dim + (long) dim * dim * 2 + 2L * dim * (dim / numHeads * numKvHeads) + 3L * dim * ffnDim;
        return perLayer * numLayers + 2L * vocabSize * dim + dim;
    }
}
