package io.kvasir.engine.model;

import java.util.Set;

import io.kvasir.engine.gguf.GgufFormatException;
import io.kvasir.engine.gguf.GgufMetadata;

/**
 * The hyper-parameters of a Llama-family model, read from GGUF metadata ({@code <arch>.*} keys).
 *
 * <p>Invariants: every size is positive; {@code numHeads % numKvHeads == 0}; {@code headDim * numHeads}
 * is the query width; {@code ropeDim <= headDim} and even.
 *
 * @param architecture {@code general.architecture}: llama (also Mistral, TinyLlama, SmolLM) or qwen2
 * @param ropeNeox rotate the halves of each head (NeoX, Qwen2) instead of adjacent pairs (Llama)
 * @param ropeScale linear RoPE scaling: positions are divided by this factor (1 = none)
 * @param qkvBias whether the Q, K and V projections carry bias vectors (Qwen2)
 */
public record LlamaConfig(
        String architecture,
        int dim,
        int numLayers,
        int numHeads,
        int numKvHeads,
        int headDim,
        int ffnDim,
        int vocabSize,
        int contextLength,
        float rmsEps,
        float ropeTheta,
        int ropeDim,
        boolean ropeNeox,
        float ropeScale,
        boolean qkvBias) {

    /** Architectures whose tensors and maths this model implements. */
    public static final Set<String> SUPPORTED_ARCHITECTURES = Set.of("llama", "mistral", "qwen2");
    /** Sanity bounds: far above any real model, far below what would exhaust memory when trusted. */
    static final int MAX_LAYERS = 1024;
    static final int MAX_DIM = 1 << 17;
    static final int MAX_VOCAB = 1 << 22;

    public LlamaConfig {
        if (dim <= 0 || numHeads <= 0 || numKvHeads <= 0 || headDim <= 0 || ffnDim <= 0 || vocabSize <= 0
                || numLayers <= 0 || contextLength <= 0) {
            throw new IllegalArgumentException("model sizes must be positive: " + sizes(dim, numLayers, numHeads, numKvHeads, ffnDim, vocabSize));
        }
        if (numHeads % numKvHeads != 0) {
            throw new IllegalArgumentException("head_count " + numHeads + " is not a multiple of head_count_kv " + numKvHeads);
        }
        if (ropeDim <= 0 || ropeDim > headDim || ropeDim % 2 != 0) {
            throw new IllegalArgumentException("rope dimension " + ropeDim + " must be even and at most the head size " + headDim);
        }
    }

    /** Width of the query projection. */
    public int qDim() {
        return numHeads * headDim;
    }

    /** Width of the key and value projections (only KV heads are stored: grouped-query attention). */
    public int kvDim() {
        return numKvHeads * headDim;
    }

    /** Query heads that share one KV head. */
    public int groupSize() {
        return numHeads / numKvHeads;
    }

    /**
     * Reads the configuration from GGUF metadata.
     *
     * @param vocabSize the vocabulary size, from the token list or the embedding tensor
     * @throws GgufFormatException naming the key when a value is missing, mistyped or out of bounds
     */
    public static LlamaConfig fromMetadata(GgufMetadata md, int vocabSize) {
        String arch = md.getString("general.architecture");
        if (!SUPPORTED_ARCHITECTURES.contains(arch)) {
            throw new GgufFormatException(null, "general.architecture",
                    "unsupported architecture '" + arch + "' (supported: " + String.join(", ", SUPPORTED_ARCHITECTURES.stream().sorted().toList()) + ")");
        }
        int dim = bounded(md, arch + ".embedding_length", 1, MAX_DIM);
        int numLayers = bounded(md, arch + ".block_count", 1, MAX_LAYERS);
        int numHeads = bounded(md, arch + ".attention.head_count", 1, dim);
        int numKvHeads = md.contains(arch + ".attention.head_count_kv")
                ? bounded(md, arch + ".attention.head_count_kv", 1, numHeads) : numHeads;
        int ffnDim = bounded(md, arch + ".feed_forward_length", 1, MAX_DIM * 8);
        int headDim = md.contains(arch + ".attention.key_length")
                ? bounded(md, arch + ".attention.key_length", 1, dim) : dim / numHeads;
        if (!md.contains(arch + ".attention.key_length") && dim % numHeads != 0) {
            throw new GgufFormatException(null, arch + ".attention.head_count", "embedding_length " + dim + " is not divisible by " + numHeads);
        }
        int contextLength = md.contains(arch + ".context_length") ? bounded(md, arch + ".context_length", 1, 1 << 24) : 2048;
        float eps = md.getFloat(arch + ".attention.layer_norm_rms_epsilon", 1e-5f);
        float theta = md.getFloat(arch + ".rope.freq_base", 10000f);
        int ropeDim = md.contains(arch + ".rope.dimension_count")
                ? bounded(md, arch + ".rope.dimension_count", 2, headDim) : headDim;
        float ropeScale = 1f;
        String scalingType = md.getString(arch + ".rope.scaling.type", "none");
        if (scalingType.equals("linear")) {
            ropeScale = md.getFloat(arch + ".rope.scaling.factor", 1f);
        } else if (md.contains(arch + ".rope.scale_linear")) {
            ropeScale = md.getFloat(arch + ".rope.scale_linear");
        }
        if (!(ropeScale > 0) || Float.isInfinite(ropeScale)) {
            throw new GgufFormatException(null, arch + ".rope.scaling.factor", "must be a positive number, got " + ropeScale);
        }
        if (!(eps > 0) || !(theta > 0)) {
            throw new GgufFormatException(null, arch + ".rope.freq_base", "epsilon and RoPE base must be positive");
        }
        if (vocabSize <= 0 || vocabSize > MAX_VOCAB) {
            throw new GgufFormatException(null, "tokenizer.ggml.tokens", "vocabulary size " + vocabSize + " outside 1.." + MAX_VOCAB);
        }
        boolean qwen = arch.equals("qwen2");
        try {
            return new LlamaConfig(arch, dim, numLayers, numHeads, numKvHeads, headDim, ffnDim, vocabSize,
                    contextLength, eps, theta, ropeDim, qwen, ropeScale, qwen);
        } catch (IllegalArgumentException e) {
            throw new GgufFormatException(null, arch + ".*", e.getMessage());
        }
    }

    private static int bounded(GgufMetadata md, String key, long min, long max) {
        long value = md.getLong(key);
        if (value < min || value > max) {
            throw new GgufFormatException(null, key, "value " + value + " outside " + min + ".." + max);
        }
        return (int) value;
    }

    private static String sizes(int dim, int layers, int heads, int kvHeads, int ffn, int vocab) {
        return "dim=" + dim + " layers=" + layers + " heads=" + heads + " kv_heads=" + kvHeads + " ffn=" + ffn + " vocab=" + vocab;
    }
}
