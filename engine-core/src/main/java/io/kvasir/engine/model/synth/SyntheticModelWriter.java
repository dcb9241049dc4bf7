package io.kvasir.engine.model.synth;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.SplittableRandom;

import io.kvasir.engine.gguf.GgmlType;
import io.kvasir.engine.gguf.GgufWriter;
import io.kvasir.engine.gguf.TensorSource;
import io.kvasir.engine.kernel.Quantizer;

/**
 * Writes a GGUF model with random weights of a given {@link ModelShape} and tensor type, so that anyone can
 * run and benchmark Kvasir without downloading weights. The architecture is {@code llama} by default, or
 * {@code qwen2}: its metadata under {@code qwen2.*} (NeoX RoPE with base 1e6, RMS epsilon 1e-6) and random Q,
 * K and V bias vectors (F32, as llama.cpp stores them). Both use the synthetic SentencePiece vocabulary.
 *
 * <p>Weights are drawn uniformly with standard deviation {@code 1/sqrt(inputs)} (uniform rather than normal:
 * a billion draws take seconds, and a benchmark cares only about the bytes), seeded per tensor, so the same shape, type and seed give the same file. Rows are generated and encoded one at a
 * time: a 1 GiB model is written without holding it in memory. Norm weights are ones.
 */
public final class SyntheticModelWriter {

    /** Architectures a synthetic model can be written as. */
    public static final java.util.List<String> SUPPORTED_ARCHITECTURES = java.util.List.of("llama", "qwen2");

    /** Tensor types a synthetic model can be written in. */
    public static final GgmlType[] SUPPORTED_TYPES = {GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0, GgmlType.Q4_0};

    private final ModelShape shape;
    private final GgmlType type;
    private final long seed;
    private final String architecture;

    /** A writer of {@code llama} models. */
    public SyntheticModelWriter(ModelShape shape, GgmlType type, long seed) {
        this(shape, type, seed, "llama");
    }

    /**
     * @param architecture one of {@link #SUPPORTED_ARCHITECTURES}
     */
    public SyntheticModelWriter(ModelShape shape, GgmlType type, long seed, String architecture) {
        if (!SUPPORTED_ARCHITECTURES.contains(architecture)) {
            throw new IllegalArgumentException("synthetic models can be written as " + String.join(" or ", SUPPORTED_ARCHITECTURES)
                    + ", not " + architecture);
        }
        boolean supported = false;
        for (GgmlType t : SUPPORTED_TYPES) {
            supported |= t == type;
        }
        if (!supported) {
            throw new IllegalArgumentException("synthetic models can be written as f32, f16, bf16, q8_0 or q4_0, not " + type);
        }
        this.shape = shape;
        this.type = type;
        this.seed = seed;
        this.architecture = architecture;
    }

    /** Writes the model to {@code path} (atomically: a failed write leaves no partial file). */
    public void write(Path path) throws IOException {
        SyntheticVocabulary vocab = SyntheticVocabulary.of(shape.vocabSize());
        int kvDim = shape.headDim() * shape.numKvHeads();
        boolean qwen = architecture.equals("qwen2");
        String a = architecture + ".";
        String name = "kvasir-synthetic-" + (qwen ? "qwen2-" : "") + shape.name() + "-" + type.name().toLowerCase(java.util.Locale.ROOT);
        GgufWriter.Builder b = GgufWriter.builder()
                .put("general.architecture", architecture)
                .put("general.name", name)
                .putU32(a + "context_length", shape.contextLength())
                .putU32(a + "embedding_length", shape.dim())
                .putU32(a + "block_count", shape.numLayers())
                .putU32(a + "feed_forward_length", shape.ffnDim())
                .putU32(a + "attention.head_count", shape.numHeads())
                .putU32(a + "attention.head_count_kv", shape.numKvHeads())
                .putU32(a + "rope.dimension_count", shape.headDim())
                .putF32(a + "attention.layer_norm_rms_epsilon", qwen ? 1e-6f : 1e-5f)
                .putF32(a + "rope.freq_base", qwen ? 1_000_000f : 10000f)
                .put("tokenizer.ggml.model", "llama")
                .putArray("tokenizer.ggml.tokens", vocab.tokens)
                .putArray("tokenizer.ggml.scores", vocab.scores)
                .putArray("tokenizer.ggml.token_type", vocab.types)
                .putU32("tokenizer.ggml.unknown_token_id", 0)
                .putU32("tokenizer.ggml.bos_token_id", 1)
                .putU32("tokenizer.ggml.eos_token_id", 2)
                .put("tokenizer.ggml.add_bos_token", true);
        matrix(b, "token_embd.weight", shape.vocabSize(), shape.dim());
        b.tensor("output_norm.weight", new long[] {shape.dim()}, ones(shape.dim()));
        matrix(b, "output.weight", shape.vocabSize(), shape.dim());
        for (int l = 0; l < shape.numLayers(); l++) {
            String p = "blk." + l + ".";
            b.tensor(p + "attn_norm.weight", new long[] {shape.dim()}, ones(shape.dim()));
            matrix(b, p + "attn_q.weight", shape.dim(), shape.dim());
            matrix(b, p + "attn_k.weight", kvDim, shape.dim());
            matrix(b, p + "attn_v.weight", kvDim, shape.dim());
            matrix(b, p + "attn_output.weight", shape.dim(), shape.dim());
            if (qwen) {
                bias(b, p + "attn_q.bias", shape.dim());
                bias(b, p + "attn_k.bias", kvDim);
                bias(b, p + "attn_v.bias", kvDim);
            }
            b.tensor(p + "ffn_norm.weight", new long[] {shape.dim()}, ones(shape.dim()));
            matrix(b, p + "ffn_gate.weight", shape.ffnDim(), shape.dim());
            matrix(b, p + "ffn_up.weight", shape.ffnDim(), shape.dim());
            matrix(b, p + "ffn_down.weight", shape.dim(), shape.ffnDim());
        }
        b.write(path);
    }

    private void matrix(GgufWriter.Builder b, String name, int rows, int cols) {
        b.tensor(name, type, new long[] {cols, rows}, new RandomRows(tensorSeed(name), rows, cols));
    }

    private long tensorSeed(String name) {
        return seed ^ name.hashCode() * 0x9E3779B97F4A7C15L;
    }

    /** A bias vector, uniform on [-0.5, 0.5]: large enough that a forward pass without it differs. */
    private void bias(GgufWriter.Builder b, String name, int n) {
        SplittableRandom random = new SplittableRandom(tensorSeed(name));
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) (random.nextDouble() - 0.5);
        }
        b.tensor(name, new long[] {n}, values);
    }

    private static float[] ones(int n) {
        float[] values = new float[n];
        java.util.Arrays.fill(values, 1f);
        return values;
    }

    /** Generates and encodes one row at a time. */
    private final class RandomRows implements TensorSource {
        private final long tensorSeed;
        private final int rows;
        private final int cols;

        RandomRows(long tensorSeed, int rows, int cols) {
            this.tensorSeed = tensorSeed;
            this.rows = rows;
            this.cols = cols;
        }

        @Override
        public void writeTo(OutputStream out) throws IOException {
            SplittableRandom random = new SplittableRandom(tensorSeed);
            float[] row = new float[cols];
            int rowBytes = (int) type.byteSize(cols);
            ByteBuffer encoded = ByteBuffer.allocate(rowBytes).order(ByteOrder.LITTLE_ENDIAN);
            // Uniform on [-a, a] has standard deviation a / sqrt(3).
            double amplitude = Math.sqrt(3.0 / cols);
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    row[c] = (float) ((random.nextDouble() * 2 - 1) * amplitude);
                }
                encoded.clear();
                encode(row, encoded);
                out.write(encoded.array(), 0, rowBytes);
            }
        }

        private void encode(float[] row, ByteBuffer dst) {
            switch (type) {
                case F32 -> {
                    for (float v : row) {
                        dst.putFloat(v);
                    }
                }
                case F16 -> {
                    for (float v : row) {
                        dst.putShort(Float.floatToFloat16(v));
                    }
                }
                case BF16 -> {
                    for (float v : row) {
                        dst.putShort((short) ((Float.floatToRawIntBits(v) + 0x8000) >>> 16));
                    }
                }
                default -> Quantizer.quantize(type, row, 0, row.length, java.lang.foreign.MemorySegment.ofArray(dst.array()), 0);
            }
        }
    }

}
