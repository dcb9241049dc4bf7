package io.kvasir.engine.kernel;

import static io.kvasir.engine.kernel.Simd.FLOATS;
import static io.kvasir.engine.kernel.Simd.LANES;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import io.kvasir.engine.gguf.GgmlType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Q6_K weights: super-blocks of 256 elements (210 bytes): 128 bytes of low nibbles {@code ql}, 64 bytes of
 * high 2-bit pairs {@code qh}, 16 signed 8-bit sub-block scales, f16 {@code d}. Each half of 128 elements
 * uses 64 bytes of {@code ql} and 32 of {@code qh}: for {@code l < 32}, byte {@code ql[l]} holds elements
 * {@code l} (low nibble) and {@code l+64} (high), {@code ql[l+32]} elements {@code l+32} and {@code l+96},
 * and {@code qh[l]} their top two bits in bit pairs 0, 2, 4, 6 for elements {@code l, l+32, l+64, l+96};
 * element = {@code d * scale[e / 16] * (q - 32)}.
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

    private float scale(long block, int s) {
        return data.get(ValueLayout.JAVA_BYTE, block + SCALES_OFFSET + s);
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
            float d = Simd.f16(data, block + D_OFFSET);
            for (int half = 0; half < 2; half++) {
                long ql = block + 64L * half;
                long qh = block + QH_OFFSET + 32L * half;
                int xHalf = xOffset + b * BLOCK_SIZE + 128 * half;
                for (int l = 0; l < 32; l += LANES) {
                    int s = 8 * half + l / 16;
                    IntVector lowA = Simd.unsignedBytes(data, ql + l);
                    IntVector lowB = Simd.unsignedBytes(data, ql + 32 + l);
                    IntVector high = Simd.unsignedBytes(data, qh + l);
                    IntVector q1 = lowA.and(0xf).or(high.and(0x03).lanewise(VectorOperators.LSHL, 4));
                    IntVector q2 = lowB.and(0xf).or(high.and(0x0c).lanewise(VectorOperators.LSHL, 2));
                    IntVector q3 = lowA.lanewise(VectorOperators.LSHR, 4).or(high.and(0x30));
                    IntVector q4 = lowB.lanewise(VectorOperators.LSHR, 4).or(high.and(0xc0).lanewise(VectorOperators.LSHR, 2));
                    acc0 = Simd.toFloats(q1.sub(32)).mul(d * scale(block, s))
                            .fma(FloatVector.fromArray(FLOATS, x, xHalf + l), acc0);
                    acc1 = Simd.toFloats(q2.sub(32)).mul(d * scale(block, s + 2))
                            .fma(FloatVector.fromArray(FLOATS, x, xHalf + 32 + l), acc1);
                    acc2 = Simd.toFloats(q3.sub(32)).mul(d * scale(block, s + 4))
                            .fma(FloatVector.fromArray(FLOATS, x, xHalf + 64 + l), acc2);
                    acc3 = Simd.toFloats(q4.sub(32)).mul(d * scale(block, s + 6))
                            .fma(FloatVector.fromArray(FLOATS, x, xHalf + 96 + l), acc3);
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
            for (int half = 0; half < 2; half++) {
                long ql = block + 64L * half;
                long qh = block + QH_OFFSET + 32L * half;
                int out = dstOffset + k + 128 * half;
                for (int l = 0; l < 32; l += LANES) {
                    int s = 8 * half + l / 16;
                    IntVector lowA = Simd.unsignedBytes(data, ql + l);
                    IntVector lowB = Simd.unsignedBytes(data, ql + 32 + l);
                    IntVector high = Simd.unsignedBytes(data, qh + l);
                    IntVector q1 = lowA.and(0xf).or(high.and(0x03).lanewise(VectorOperators.LSHL, 4));
                    IntVector q2 = lowB.and(0xf).or(high.and(0x0c).lanewise(VectorOperators.LSHL, 2));
                    IntVector q3 = lowA.lanewise(VectorOperators.LSHR, 4).or(high.and(0x30));
                    IntVector q4 = lowB.lanewise(VectorOperators.LSHR, 4).or(high.and(0xc0).lanewise(VectorOperators.LSHR, 2));
                    Simd.toFloats(q1.sub(32)).mul(d * scale(block, s)).intoArray(dst, out + l);
                    Simd.toFloats(q2.sub(32)).mul(d * scale(block, s + 2)).intoArray(dst, out + 32 + l);
                    Simd.toFloats(q3.sub(32)).mul(d * scale(block, s + 4)).intoArray(dst, out + 64 + l);
                    Simd.toFloats(q4.sub(32)).mul(d * scale(block, s + 6)).intoArray(dst, out + 96 + l);
                }
            }
        }
    }
}
