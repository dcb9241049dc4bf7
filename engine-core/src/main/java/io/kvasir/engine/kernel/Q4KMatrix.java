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
import static jdk.incubator.vector.VectorOperators.LSHR;

/**
 * Q4_K weights: super-blocks of 256 elements (144 bytes): f16 {@code d}, f16 {@code dmin}, 12 bytes packing
 * eight 6-bit (scale, min) pairs, then 128 bytes of 4-bit quants. The super-block is four chunks of 64
 * elements; chunk {@code j} reads 32 bytes whose low nibbles are sub-block {@code 2j} and high nibbles
 * sub-block {@code 2j+1}; element = {@code d * scale[s] * q - dmin * min[s]}.
 *
 * <p>The kernels call only force-inlined Vector API methods and scalar helpers (see {@link Simd}).
 */
final class Q4KMatrix extends WeightMatrix {

    static final int BLOCK_SIZE = 256;
    static final int BLOCK_BYTES = 144;
    private static final int SCALES_OFFSET = 4;
    private static final int QS_OFFSET = 16;
    private static final ValueLayout.OfLong LONG_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(LE);
    private static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(LE);

    Q4KMatrix(MemorySegment data, int rows, int cols) {
        super(GgmlType.Q4_K, data, rows, cols);
    }

    /**
     * The eight 6-bit scales as bytes 0-7 of a long, from the 12 packed bytes given as bytes 0-7 ({@code low})
     * and 8-11 ({@code high}). As llama.cpp's {@code get_scale_min_k4}: sub-blocks 0-3 keep their scale in
     * the low 6 bits of bytes 0-3; sub-blocks 4-7 take the low nibble of bytes 8-11 and, as bits 4-5, the top
     * two bits of bytes 0-3. All eight are unpacked at once, byte-parallel in a long.
     */
    static long scales(long low, int high) {
        long first = low & 0x3f3f3f3fL;
        long second = (high & 0x0f0f0f0fL) | ((low >>> 2) & 0x30303030L);
        return first | (second << 32);
    }

    /** The eight 6-bit mins as bytes of a long: 0-3 from bytes 4-7, 4-7 from the high nibbles of 8-11 and top bits. */
    static long mins(long low, int high) {
        long first = (low >>> 32) & 0x3f3f3f3fL;
        long second = ((high >>> 4) & 0x0f0f0f0fL) | ((low >>> 34) & 0x30303030L);
        return first | (second << 32);
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
            float d = Float.float16ToFloat(data.get(Simd.SHORT_LE, block));
            float negativeDmin = -Float.float16ToFloat(data.get(Simd.SHORT_LE, block + 2));
            long packedLow = data.get(LONG_LE, block + SCALES_OFFSET);
            int packedHigh = data.get(INT_LE, block + SCALES_OFFSET + 8);
            long scales = scales(packedLow, packedHigh);
            long mins = mins(packedLow, packedHigh);
            for (int j = 0; j < 4; j++, scales >>>= 16, mins >>>= 16) {
                FloatVector scaleLow = FloatVector.broadcast(FLOATS, d * (int) (scales & 0xff));
                FloatVector minLow = FloatVector.broadcast(FLOATS, negativeDmin * (int) (mins & 0xff));
                FloatVector scaleHigh = FloatVector.broadcast(FLOATS, d * (int) ((scales >>> 8) & 0xff));
                FloatVector minHigh = FloatVector.broadcast(FLOATS, negativeDmin * (int) ((mins >>> 8) & 0xff));
                long qs = block + QS_OFFSET + 32L * j;
                int xChunk = xOffset + b * BLOCK_SIZE + 64 * j;
                // Two lane groups per step with four accumulators keep the FMA chains short.
                for (int i = 0; i < 32; i += 2 * LANES) {
                    IntVector q0 = (IntVector) ByteVector.fromMemorySegment(BYTES, data, qs + i, LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2I, INTS, 0);
                    IntVector q1 = (IntVector) ByteVector.fromMemorySegment(BYTES, data, qs + i + LANES, LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2I, INTS, 0);
                    FloatVector w0 = ((FloatVector) q0.and(0xf).convert(I2F, 0)).fma(scaleLow, minLow);
                    FloatVector w1 = ((FloatVector) q0.lanewise(LSHR, 4).convert(I2F, 0)).fma(scaleHigh, minHigh);
                    FloatVector w2 = ((FloatVector) q1.and(0xf).convert(I2F, 0)).fma(scaleLow, minLow);
                    FloatVector w3 = ((FloatVector) q1.lanewise(LSHR, 4).convert(I2F, 0)).fma(scaleHigh, minHigh);
                    acc0 = w0.fma(FloatVector.fromArray(FLOATS, x, xChunk + i), acc0);
                    acc1 = w1.fma(FloatVector.fromArray(FLOATS, x, xChunk + 32 + i), acc1);
                    acc2 = w2.fma(FloatVector.fromArray(FLOATS, x, xChunk + i + LANES), acc2);
                    acc3 = w3.fma(FloatVector.fromArray(FLOATS, x, xChunk + 32 + i + LANES), acc3);
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
            dequantizeBlock(block, dst, dstOffset + k);
        }
    }

    private void dequantizeBlock(long block, float[] dst, int dstOffset) {
        float d = Simd.f16(data, block);
        float negativeDmin = -Simd.f16(data, block + 2);
        long packedLow = data.get(LONG_LE, block + SCALES_OFFSET);
        int packedHigh = data.get(INT_LE, block + SCALES_OFFSET + 8);
        long scales = scales(packedLow, packedHigh);
        long mins = mins(packedLow, packedHigh);
        for (int j = 0; j < 4; j++, scales >>>= 16, mins >>>= 16) {
            FloatVector scaleLow = FloatVector.broadcast(FLOATS, d * (int) (scales & 0xff));
            FloatVector minLow = FloatVector.broadcast(FLOATS, negativeDmin * (int) (mins & 0xff));
            FloatVector scaleHigh = FloatVector.broadcast(FLOATS, d * (int) ((scales >>> 8) & 0xff));
            FloatVector minHigh = FloatVector.broadcast(FLOATS, negativeDmin * (int) ((mins >>> 8) & 0xff));
            long qs = block + QS_OFFSET + 32L * j;
            int out = dstOffset + 64 * j;
            for (int i = 0; i < 32; i += LANES) {
                IntVector q = (IntVector) ByteVector.fromMemorySegment(BYTES, data, qs + i, LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2I, INTS, 0);
                ((FloatVector) q.and(0xf).convert(I2F, 0)).fma(scaleLow, minLow).intoArray(dst, out + i);
                ((FloatVector) q.lanewise(LSHR, 4).convert(I2F, 0)).fma(scaleHigh, minHigh)
                        .intoArray(dst, out + 32 + i);
            }
        }
    }
}
