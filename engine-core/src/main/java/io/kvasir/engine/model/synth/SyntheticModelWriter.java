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
 * Writes a Llama-architecture GGUF model with random weights of a given {@link ModelShape} and tensor type,
 * so that anyone can run and benchmark Kvasir without downloading weights.
 *
 * <p>Weights are drawn uniformly with standard deviation {@code 1/sqrt(inputs)} (uniform rather than normal:
 * a billion draws take seconds, and a benchmark cares only about the bytes), seeded per tensor, so the same shape, type and seed give the same file. Rows are generated and encoded one at a
 * time: a 1 GiB model is written without holding it in memory. Norm weights are ones.
 */
public final class SyntheticModelWriter {

    /** Tensor types a synthetic model can be written in. */
    public static final GgmlType[] SUPPORTED_TYPES = {GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0, GgmlType.Q4_0};

    private final ModelShape shape;
    private final GgmlType type;
    private final long seed;

    public SyntheticModelWriter(ModelShape shape, GgmlType type, long seed) {
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
    }

    /** Writes the model to {@code path} (atomically: a failed write leaves no partial file). */
    public void write(Path path) throws IOException {
        SyntheticVocabulary vocab = SyntheticVocabulary.of(shape.vocabSize());
        int kvDim = shape.headDim() * shape.numKvHeads();
        GgufWriter.Builder b = GgufWriter.builder()
                .put("general.architecture", "llama")
                .put("general.name", "kvasir-synthetic-" + shape.name() + "-" + type.name().toLowerCase(java.util.Locale.ROOT))
                .putU32("llama.context_length", shape.contextLength())
                .putU32("llama.embedding_length", shape.dim())
                .putU32("llama.block_count", shape.numLayers())
                .putU32("llama.feed_forward_length", shape.ffnDim())
                .putU32("llama.attention.head_count", shape.numHeads())
                .putU32("llama.attention.head_count_kv", shape.numKvHeads())
                .putU32("llama.rope.dimension_count", shape.headDim())
                .putF32("llama.attention.layer_norm_rms_epsilon", 1e-5f)
                .putF32("llama.rope.freq_base", 10000f)
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
            b.tensor(p + "ffn_norm.weight", new long[] {shape.dim()}, ones(shape.dim()));
            matrix(b, p + "ffn_gate.weight", shape.ffnDim(), shape.dim());
            matrix(b, p + "ffn_up.weight", shape.ffnDim(), shape.dim());
            matrix(b, p + "ffn_down.weight", shape.dim(), shape.ffnDim());
        }
        b.write(path);
    }

    private void matrix(GgufWriter.Builder b, String name, int rows, int cols) {
        b.tensor(name, type, new long[] {cols, rows}, new RandomRows(seed ^ name.hashCode() * 0x9E3779B97F4A7C15L, rows, cols));
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
