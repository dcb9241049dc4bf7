package io.kvasir.engine.kernel;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Random;

import io.kvasir.engine.gguf.GgmlType;

/** Random packed weights and activations for kernel tests. */
final class TestWeights {

    /** Every type the kernels support. */
    static final List<GgmlType> TYPES = List.of(
            GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q4_K, GgmlType.Q6_K);

    private static final ValueLayout.OfShort SHORT_LE =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat FLOAT_LE =
            ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private TestWeights() {
    }

    /**
     * A {@code rows x cols} matrix of {@code type} whose quant bits are uniformly random (every bit pattern,
     * including Q8_0's -128 and all packed K-quant scales) and whose f16 block scales are random but finite.
     */
    static MemorySegment randomMatrix(GgmlType type, int rows, int cols, long seed) {
        Random random = new Random(seed);
        long rowBytes = type.byteSize(cols);
        byte[] bytes = new byte[Math.toIntExact(rowBytes * rows)];
        random.nextBytes(bytes);
        MemorySegment data = MemorySegment.ofArray(bytes);
        long numBlocks = bytes.length / type.bytesPerBlock();
        for (long b = 0; b < numBlocks; b++) {
            long block = b * type.bytesPerBlock();
            switch (type) {
                case F32 -> data.set(FLOAT_LE, block, (float) random.nextGaussian());
                case F16 -> data.set(SHORT_LE, block, Float.floatToFloat16((float) random.nextGaussian()));
                case BF16 -> data.set(SHORT_LE, block, Quantizer.toBfloat16((float) random.nextGaussian()));
                case Q8_0, Q4_0 -> data.set(SHORT_LE, block, randomScale(random));
                case Q4_K -> {
                    data.set(SHORT_LE, block, randomScale(random));
                    data.set(SHORT_LE, block + 2, randomScale(random));
                }
                case Q6_K -> data.set(SHORT_LE, block + 208, randomScale(random));
                default -> throw new IllegalArgumentException(type.toString());
            }
        }
        // Native memory, as a mapped model's tensors are (the native kernels take only native weights).
        return Arena.ofAuto().allocate(data.byteSize(), 64).copyFrom(data);
    }

    private static short randomScale(Random random) {
        float magnitude = (float) Math.pow(10, -3 + 2 * random.nextDouble());
        return Float.floatToFloat16(random.nextBoolean() ? magnitude : -magnitude);
    }

    /** {@code n} activations, mostly standard normal with a few outliers as real activations have. */
    static float[] randomActivations(int n, long seed) {
        Random random = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) random.nextGaussian() * (random.nextInt(50) == 0 ? 20 : 1);
        }
        return x;
    }
}
