package io.kvasir.engine.kernel;

import static io.kvasir.engine.kernel.Simd.BYTES;
import static io.kvasir.engine.kernel.Simd.FLOATS;
import static io.kvasir.engine.kernel.Simd.INTS;
import static io.kvasir.engine.kernel.Simd.LANES;
import static io.kvasir.engine.kernel.Simd.LE;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import io.kvasir.engine.gguf.GgmlType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;

/**
 * Q6_K weights: super-blocks of 256 elements (210 bytes): 128 bytes of low nibbles {@code ql}, 64 bytes of
 * high 2-bit pairs {@code qh}, 16 signed 8-bit sub-block scales, f16 {@code d}. Each half of 128 elements
 * uses 64 bytes of {@code ql} and 32 of {@code qh}: for {@code l < 32}, byte {@code ql[l]} holds elements
 * {@code l} (low nibble) and {@code l+64} (high), {@code ql[l+32]} elements {@code l+32} and {@code l+96},
 * and {@code qh[l]} their top two bits in bit pairs 0, 2, 4, 6 for elements {@code l, l+32, l+64, l+96};
 * element = {@code d * scale[e / 16] * (q - 32)}.
 *
 * <p>The kernels call only force-inlined Vector API methods and scalar helpers (see {@link Simd}).
 */
final class Q6KMatrix extends WeightMatrix {

    static final int BLOCK_SIZE = 256;
    static final int BLOCK_BYTES = 210;
    private static final int QH_OFFSET = 128;
    private static final int SCALES_OFFSET = 192;
    private static final int D_OFFSET = 208;

    Q6KMatrix(MemorySegment data, int rows, int cols) {
        super(GgmlType.Q6_K, data, rows, cols);
    }

    @Override
    float dot(int row, float[] x, int xOffset) {
        assert validRange(row, 0, cols);
        long block = row * rowBytes;
        int numBlocks = cols / BLOCK_SIZE;
        FloatVector acc0 = FloatVector.zero(FLOATS);
        FloatVector acc1 = FloatVector.zero(FLOATS);
        FloatVector acc2 = FloatVector.zero(FLOATS);
        FloatVector acc3 = FloatVector.zero(FLOATS);
        for (int b = 0; b < numBlocks; b++, block += BLOCK_BYTES) {
            float d = Float.float16ToFloat(data.get(Simd.SHORT_LE, block + D_OFFSET));
            for (int half = 0; half < 2; half++) {
                long ql = block + 64L * half;
                long qh = block + QH_OFFSET + 32L * half;
                long scales = block + SCALES_OFFSET + 8L * half;
                int xHalf = xOffset + b * BLOCK_SIZE + 128 * half;
                for (int l = 0; l < 32; l += LANES) {
                    long s = scales + l / 16;
                    IntVector lowA = (IntVector) ByteVector.fromMemorySegment(BYTES, data, ql + l, LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2I, INTS, 0);
                    IntVector lowB = (IntVector) ByteVector.fromMemorySegment(BYTES, data, ql + 32 + l, LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2I, INTS, 0);
                    IntVector high = (IntVector) ByteVector.fromMemorySegment(BYTES, data, qh + l, LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2I, INTS, 0);
                    // Quants stay 0..63 here; the -32 offset folds into the scale FMA below.
                    IntVector q1 = lowA.and(0xf).or(high.lanewise(LSHL, 4).and(0x30));
                    IntVector q2 = lowB.and(0xf).or(high.lanewise(LSHL, 2).and(0x30));
                    IntVector q3 = lowA.lanewise(LSHR, 4).or(high.and(0x30));
                    IntVector q4 = lowB.lanewise(LSHR, 4).or(high.lanewise(LSHR, 2).and(0x30));
                    float s1 = d * data.get(ValueLayout.JAVA_BYTE, s);
                    float s2 = d * data.get(ValueLayout.JAVA_BYTE, s + 2);
                    float s3 = d * data.get(ValueLayout.JAVA_BYTE, s + 4);
                    float s4 = d * data.get(ValueLayout.JAVA_BYTE, s + 6);
                    FloatVector w1 = ((FloatVector) q1.convert(I2F, 0)).fma(s1, -32 * s1);
                    FloatVector w2 = ((FloatVector) q2.convert(I2F, 0)).fma(s2, -32 * s2);
                    FloatVector w3 = ((FloatVector) q3.convert(I2F, 0)).fma(s3, -32 * s3);
                    FloatVector w4 = ((FloatVector) q4.convert(I2F, 0)).fma(s4, -32 * s4);
                    acc0 = w1.fma(FloatVector.fromArray(FLOATS, x, xHalf + l), acc0);
                    acc1 = w2.fma(FloatVector.fromArray(FLOATS, x, xHalf + 32 + l), acc1);
                    acc2 = w3.fma(FloatVector.fromArray(FLOATS, x, xHalf + 64 + l), acc2);
                    acc3 = w4.fma(FloatVector.fromArray(FLOATS, x, xHalf + 96 + l), acc3);
                }
            }
        }
        return acc0.add(acc1).add(acc2.add(acc3)).reduceLanes(VectorOperators.ADD);
    }

    @Override
    void dequantize(int row, int col, int numCols, float[] dst, int dstOffset) {
        assert validRange(row, col, numCols);
        long block = row * rowBytes + (long) (col / BLOCK_SIZE) * BLOCK_BYTES;
        for (int k = 0; k < numCols; k += BLOCK_SIZE, block += BLOCK_BYTES) {
            float d = Simd.f16(data, block + D_OFFSET);
            dequantizeHalf(block, 0, d, dst, dstOffset + k);
            dequantizeHalf(block, 1, d, dst, dstOffset + k + 128);
        }
    }

    private void dequantizeHalf(long block, int half, float d, float[] dst, int dstOffset) {
        long ql = block + 64L * half;
        long qh = block + QH_OFFSET + 32L * half;
        long scales = block + SCALES_OFFSET + 8L * half;
        for (int l = 0; l < 32; l += LANES) {
            long s = scales + l / 16;
            IntVector lowA = (IntVector) ByteVector.fromMemorySegment(BYTES, data, ql + l, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2I, INTS, 0);
            IntVector lowB = (IntVector) ByteVector.fromMemorySegment(BYTES, data, ql + 32 + l, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2I, INTS, 0);
            IntVector high = (IntVector) ByteVector.fromMemorySegment(BYTES, data, qh + l, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2I, INTS, 0);
            IntVector q1 = lowA.and(0xf).or(high.lanewise(LSHL, 4).and(0x30));
            IntVector q2 = lowB.and(0xf).or(high.lanewise(LSHL, 2).and(0x30));
            IntVector q3 = lowA.lanewise(LSHR, 4).or(high.and(0x30));
            IntVector q4 = lowB.lanewise(LSHR, 4).or(high.lanewise(LSHR, 2).and(0x30));
            float s1 = d * data.get(ValueLayout.JAVA_BYTE, s);
            float s2 = d * data.get(ValueLayout.JAVA_BYTE, s + 2);
            float s3 = d * data.get(ValueLayout.JAVA_BYTE, s + 4);
            float s4 = d * data.get(ValueLayout.JAVA_BYTE, s + 6);
            ((FloatVector) q1.convert(I2F, 0)).fma(s1, -32 * s1).intoArray(dst, dstOffset + l);
            ((FloatVector) q2.convert(I2F, 0)).fma(s2, -32 * s2).intoArray(dst, dstOffset + 32 + l);
            ((FloatVector) q3.convert(I2F, 0)).fma(s3, -32 * s3).intoArray(dst, dstOffset + 64 + l);
            ((FloatVector) q4.convert(I2F, 0)).fma(s4, -32 * s4).intoArray(dst, dstOffset + 96 + l);
        }
    }
}
