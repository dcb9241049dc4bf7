package io.kvasir.engine.kernel;

import static io.kvasir.engine.kernel.Simd.FLOATS;
import static io.kvasir.engine.kernel.Simd.FLOAT_LE;
import static io.kvasir.engine.kernel.Simd.LANES;
import static io.kvasir.engine.kernel.Simd.LE;

import java.lang.foreign.MemorySegment;

import io.kvasir.engine.gguf.GgmlType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/** Little-endian IEEE single-precision weights. */
final class F32Matrix extends WeightMatrix {

    F32Matrix(MemorySegment data, int rows, int cols) {
        super(GgmlType.F32, data, rows, cols);
    }

    @Override
    float dot(int row, float[] x, int xOffset) {
        assert validRange(row, 0, cols);
        long base = row * rowBytes;
        FloatVector acc0 = FloatVector.zero(FLOATS);
        FloatVector acc1 = FloatVector.zero(FLOATS);
        int c = 0;
        for (int bound = cols - 2 * LANES; c <= bound; c += 2 * LANES) {
            acc0 = FloatVector.fromMemorySegment(FLOATS, data, base + 4L * c, LE)
                    .fma(FloatVector.fromArray(FLOATS, x, xOffset + c), acc0);
            acc1 = FloatVector.fromMemorySegment(FLOATS, data, base + 4L * (c + LANES), LE)
                    .fma(FloatVector.fromArray(FLOATS, x, xOffset + c + LANES), acc1);
        }
        float sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        for (; c < cols; c++) {
            sum += data.get(FLOAT_LE, base + 4L * c) * x[xOffset + c];
        }
        return sum;
    }

    @Override
    void dequantize(int row, int col, int numCols, float[] dst, int dstOffset) {
        assert validRange(row, col, numCols);
        MemorySegment.copy(data, FLOAT_LE, row * rowBytes + 4L * col, dst, dstOffset, numCols);
    }
}
