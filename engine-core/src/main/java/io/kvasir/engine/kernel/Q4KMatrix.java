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
 * Q4_K weights: super-blocks of 256 elements (144 bytes): f16 {@code d}, f16 {@code dmin}, 12 bytes packing
 * eight 6-bit (scale, min) pairs, then 128 bytes of 4-bit quants. The super-block is four chunks of 64
 * elements; chunk {@code j} reads 32 bytes whose low nibbles are sub-block {@code 2j} and high nibbles
 * sub-block {@code 2j+1}; element = {@code d * scale[s] * q - dmin * min[s]}.
 */
final class Q4KMatrix extends WeightMatrix {

    static final int BLOCK_SIZE = 256;
    static final int BLOCK_BYTES = 144;
    private static final int SCALES_OFFSET = 4;
    private static final int QS_OFFSET = 16;

    Q4KMatrix(MemorySegment data, int rows, int cols) {
        super(GgmlType.Q4_K, data, rows, cols);
    }

    /**
     * The 6-bit scale ({@code min == false}) or min of sub-block {@code s} (0..7), unpacked as llama.cpp's
     * {@code get_scale_min_k4}: sub-blocks 0-3 keep theirs in the low 6 bits of bytes 0-3 (scales) and 4-7
     * (mins); sub-blocks 4-7 split theirs between a nibble of bytes 8-11 and the top 2 bits of bytes 0-7.
     */
    static int scaleOrMin(MemorySegment data, long scales, int s, boolean min) {
        if (s < 4) {
            return byteAt(data, scales + s + (min ? 4 : 0)) & 63;
        }
        int packed = byteAt(data, scales + s + 4);
        int low = min ? packed >>> 4 : packed & 0xf;
        return low | ((byteAt(data, scales + s - (min ? 0 : 4)) >>> 6) << 4);
    }

    private static int byteAt(MemorySegment data, long offset) {
        return data.get(ValueLayout.JAVA_BYTE, offset) & 0xff;
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
            float d = Simd.f16(data, block);
            float dmin = Simd.f16(data, block + 2);
            long scales = block + SCALES_OFFSET;
            for (int j = 0; j < 4; j++) {
                FloatVector scaleLow = FloatVector.broadcast(FLOATS, d * scaleOrMin(data, scales, 2 * j, false));
                FloatVector minLow = FloatVector.broadcast(FLOATS, -dmin * scaleOrMin(data, scales, 2 * j, true));
                FloatVector scaleHigh = FloatVector.broadcast(FLOATS, d * scaleOrMin(data, scales, 2 * j + 1, false));
                FloatVector minHigh = FloatVector.broadcast(FLOATS, -dmin * scaleOrMin(data, scales, 2 * j + 1, true));
                long qs = block + QS_OFFSET + 32L * j;
                int xChunk = xOffset + b * BLOCK_SIZE + 64 * j;
                // Two lane groups per step with four accumulators keep the FMA chains short.
                for (int i = 0; i < 32; i += 2 * LANES) {
                    IntVector q0 = Simd.unsignedBytes(data, qs + i);
                    IntVector q1 = Simd.unsignedBytes(data, qs + i + LANES);
                    acc0 = Simd.toFloats(q0.and(0xf)).fma(scaleLow, minLow)
                            .fma(FloatVector.fromArray(FLOATS, x, xChunk + i), acc0);
                    acc1 = Simd.toFloats(q0.lanewise(VectorOperators.LSHR, 4)).fma(scaleHigh, minHigh)
                            .fma(FloatVector.fromArray(FLOATS, x, xChunk + 32 + i), acc1);
                    acc2 = Simd.toFloats(q1.and(0xf)).fma(scaleLow, minLow)
                            .fma(FloatVector.fromArray(FLOATS, x, xChunk + i + LANES), acc2);
                    acc3 = Simd.toFloats(q1.lanewise(VectorOperators.LSHR, 4)).fma(scaleHigh, minHigh)
                            .fma(FloatVector.fromArray(FLOATS, x, xChunk + 32 + i + LANES), acc3);
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
            float d = Simd.f16(data, block);
            float dmin = Simd.f16(data, block + 2);
            long scales = block + SCALES_OFFSET;
            for (int j = 0; j < 4; j++) {
                FloatVector scaleLow = FloatVector.broadcast(FLOATS, d * scaleOrMin(data, scales, 2 * j, false));
                FloatVector minLow = FloatVector.broadcast(FLOATS, -dmin * scaleOrMin(data, scales, 2 * j, true));
                FloatVector scaleHigh = FloatVector.broadcast(FLOATS, d * scaleOrMin(data, scales, 2 * j + 1, false));
                FloatVector minHigh = FloatVector.broadcast(FLOATS, -dmin * scaleOrMin(data, scales, 2 * j + 1, true));
                long qs = block + QS_OFFSET + 32L * j;
                int out = dstOffset + k + 64 * j;
                for (int i = 0; i < 32; i += LANES) {
                    IntVector q = Simd.unsignedBytes(data, qs + i);
                    Simd.toFloats(q.and(0xf)).fma(scaleLow, minLow).intoArray(dst, out + i);
                    Simd.toFloats(q.lanewise(VectorOperators.LSHR, 4)).fma(scaleHigh, minHigh)
                            .intoArray(dst, out + 32 + i);
                }
            }
        }
    }
}
