package io.kvasir.engine.kernel;

import static io.kvasir.engine.kernel.Simd.BYTES;
import static io.kvasir.engine.kernel.Simd.FLOATS;
import static io.kvasir.engine.kernel.Simd.LANES;
import static io.kvasir.engine.kernel.Simd.LE;

import java.lang.foreign.MemorySegment;

import io.kvasir.engine.gguf.GgmlType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Q8_0 weights: blocks of 32 elements, each an f16 scale {@code d} followed by 32 signed bytes {@code q};
 * element {@code i} is {@code d * q[i]}.
 */
final class Q8_0Matrix extends WeightMatrix {

    static final int BLOCK_SIZE = 32;
    static final int BLOCK_BYTES = 34;

    Q8_0Matrix(MemorySegment data, int rows, int cols) {
        super(GgmlType.Q8_0, data, rows, cols);
    }

    @Override
    float dot(int row, float[] x, int xOffset) {
        assert validRange(row, 0, cols);
        long block = row * rowBytes;
        int numBlocks = cols / BLOCK_SIZE;
        FloatVector acc = FloatVector.zero(FLOATS);
        for (int b = 0; b < numBlocks; b++, block += BLOCK_BYTES) {
            int xBlock = xOffset + b * BLOCK_SIZE;
            // Sum q * x over the block first so the scale costs one multiply per block, not per lane.
            FloatVector sum = ((FloatVector) ByteVector.fromMemorySegment(BYTES, data, block + 2, LE)
                    .convertShape(VectorOperators.B2F, FLOATS, 0)).mul(FloatVector.fromArray(FLOATS, x, xBlock));
            for (int i = LANES; i < BLOCK_SIZE; i += LANES) {
                FloatVector q = (FloatVector) ByteVector.fromMemorySegment(BYTES, data, block + 2 + i, LE)
                        .convertShape(VectorOperators.B2F, FLOATS, 0);
                sum = q.fma(FloatVector.fromArray(FLOATS, x, xBlock + i), sum);
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
            for (int i = 0; i < BLOCK_SIZE; i += LANES) {
                FloatVector q = (FloatVector) ByteVector.fromMemorySegment(BYTES, data, block + 2 + i, LE)
                        .convertShape(VectorOperators.B2F, FLOATS, 0);
                q.mul(d).intoArray(dst, dstOffset + j + i);
            }
        }
    }

    @Override
    void dequantizePair(int row, int col, int numCols, double[] dst, int dstOffset, float[] scratch) {
        assert validRange(row, col, numCols);
        long blockA = row * rowBytes + (long) (col / BLOCK_SIZE) * BLOCK_BYTES;
        long blockB = blockA + (row + 1 < rows ? rowBytes : 0);
        for (int j = 0; j < numCols; j += BLOCK_SIZE, blockA += BLOCK_BYTES, blockB += BLOCK_BYTES) {
            float d0 = Simd.f16(data, blockA);
            float d1 = Simd.f16(data, blockB);
            for (int i = 0; i < BLOCK_SIZE; i += LANES) {
                FloatVector a = ((FloatVector) ByteVector.fromMemorySegment(BYTES, data, blockA + 2 + i, LE)
                        .convertShape(VectorOperators.B2F, FLOATS, 0)).mul(d0);
                FloatVector b = ((FloatVector) ByteVector.fromMemorySegment(BYTES, data, blockB + 2 + i, LE)
                        .convertShape(VectorOperators.B2F, FLOATS, 0)).mul(d1);
                IntVector first = a.reinterpretAsInts();
                IntVector second = b.reinterpretAsInts();
                Simd.ZIP_LOW.selectFrom(first, second).reinterpretAsDoubles().intoArray(dst, dstOffset + j + i);
                Simd.ZIP_HIGH.selectFrom(first, second).reinterpretAsDoubles()
                        .intoArray(dst, dstOffset + j + i + LANES / 2);
            }
        }
    }
}
