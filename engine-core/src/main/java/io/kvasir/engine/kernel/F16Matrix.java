package io.kvasir.engine.kernel;

import static io.kvasir.engine.kernel.Simd.LANES;
import static io.kvasir.engine.kernel.Simd.FLOATS;

import java.lang.foreign.MemorySegment;

import io.kvasir.engine.gguf.GgmlType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/** Little-endian IEEE half-precision weights, widened to float in registers. */
final class F16Matrix extends WeightMatrix {

    F16Matrix(MemorySegment data, int rows, int cols) {
        super(GgmlType.F16, data, rows, cols);
    }

    @Override
    float dot(int row, float[] x, int xOffset) {
        assert validRange(row, 0, cols);
        long base = row * rowBytes;
        FloatVector acc0 = FloatVector.zero(FLOATS);
        FloatVector acc1 = FloatVector.zero(FLOATS);
        int c = 0;
        for (int bound = cols - 2 * LANES; c <= bound; c += 2 * LANES) {
            acc0 = Simd.halfs(data, base + 2L * c).fma(FloatVector.fromArray(FLOATS, x, xOffset + c), acc0);
            acc1 = Simd.halfs(data, base + 2L * (c + LANES))
                    .fma(FloatVector.fromArray(FLOATS, x, xOffset + c + LANES), acc1);
        }
        float sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        for (; c < cols; c++) {
            sum += Simd.f16(data, base + 2L * c) * x[xOffset + c];
        }
        return sum;
    }

    @Override
    void dequantize(int row, int col, int numCols, float[] dst, int dstOffset) {
        assert validRange(row, col, numCols);
        long base = row * rowBytes + 2L * col;
        int i = 0;
        for (int bound = numCols - LANES; i <= bound; i += LANES) {
            Simd.halfs(data, base + 2L * i).intoArray(dst, dstOffset + i);
        }
        for (; i < numCols; i++) {
            dst[dstOffset + i] = Simd.f16(data, base + 2L * i);
        }
    }
}
