package io.kvasir.engine.kernel;

import static io.kvasir.engine.kernel.Simd.BYTES;
import static io.kvasir.engine.kernel.Simd.FLOATS;
import static io.kvasir.engine.kernel.Simd.INTS;
import static io.kvasir.engine.kernel.Simd.LANES;
import static io.kvasir.engine.kernel.Simd.LE;

import java.lang.foreign.MemorySegment;

import io.kvasir.engine.gguf.GgmlType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.LSHR;

/**
 * Q4_0 weights: blocks of 32 elements, each an f16 scale {@code d} followed by 16 bytes; byte {@code j}
 * holds element {@code j} in its low nibble and element {@code j + 16} in its high nibble, and element
 * {@code i} is {@code d * (nibble - 8)}.
 */
final class Q4_0Matrix extends WeightMatrix {

    static final int BLOCK_SIZE = 32;
    static final int BLOCK_BYTES = 18;

    Q4_0Matrix(MemorySegment data, int rows, int cols) {
        super(GgmlType.Q4_0, data, rows, cols);
    }

    @Override
    float dot(int row, float[] x, int xOffset) {
        assert validRange(row, 0, cols);
        long block = row * rowBytes;
        int numBlocks = cols / BLOCK_SIZE;
        FloatVector acc = FloatVector.zero(FLOATS);
        for (int b = 0; b < numBlocks; b++, block += BLOCK_BYTES) {
            int xBlock = xOffset + b * BLOCK_SIZE;
            FloatVector sum = FloatVector.zero(FLOATS);
            for (int i = 0; i < BLOCK_SIZE / 2; i += LANES) {
                IntVector q = (IntVector) ByteVector.fromMemorySegment(BYTES, data, block + 2 + i, LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2I, INTS, 0);
                FloatVector low = (FloatVector) q.and(0xf).sub(8).convert(I2F, 0);
                FloatVector high = (FloatVector) q.lanewise(LSHR, 4).sub(8).convert(I2F, 0);
                sum = low.fma(FloatVector.fromArray(FLOATS, x, xBlock + i), sum);
                sum = high.fma(FloatVector.fromArray(FLOATS, x, xBlock + BLOCK_SIZE / 2 + i), sum);
            }
            acc = sum.fma(FloatVector.broadcast(FLOATS, Simd.f16(data, block)), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    @Override
    void dequantize(int row, int col, int numCols, float[] dst, int dstOffset) {
        assert validRange(row, col, numCols);
        long block = row * rowBytes + (long) (col / BLOCK_SIZE) * BLOCK_BYTES;
        for (int j = 0; j < numCols; j += BLOCK_SIZE, block += BLOCK_BYTES) {
            FloatVector d = FloatVector.broadcast(FLOATS, Simd.f16(data, block));
            for (int i = 0; i < BLOCK_SIZE / 2; i += LANES) {
                IntVector q = (IntVector) ByteVector.fromMemorySegment(BYTES, data, block + 2 + i, LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2I, INTS, 0);
                FloatVector low = (FloatVector) q.and(0xf).sub(8).convert(I2F, 0);
                FloatVector high = (FloatVector) q.lanewise(LSHR, 4).sub(8).convert(I2F, 0);
                low.mul(d).intoArray(dst, dstOffset + j + i);
                high.mul(d).intoArray(dst, dstOffset + j + BLOCK_SIZE / 2 + i);
            }
        }
    }
}
