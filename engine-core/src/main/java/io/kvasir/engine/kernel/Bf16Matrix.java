package io.kvasir.engine.kernel;

import static io.kvasir.engine.kernel.Simd.FLOATS;
import static io.kvasir.engine.kernel.Simd.INTS;
import static io.kvasir.engine.kernel.Simd.LANES;
import static io.kvasir.engine.kernel.Simd.LE;
import static io.kvasir.engine.kernel.Simd.SHORTS;

import java.lang.foreign.MemorySegment;

import io.kvasir.engine.gguf.GgmlType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

/** Little-endian bfloat16 weights (the upper half of a float), widened by a 16-bit shift. */
final class Bf16Matrix extends WeightMatrix {

    Bf16Matrix(MemorySegment data, int rows, int cols) {
        super(GgmlType.BF16, data, rows, cols);
    }

    @Override
    float dot(int row, float[] x, int xOffset) {
        assert validRange(row, 0, cols);
        long base = row * rowBytes;
        FloatVector acc0 = FloatVector.zero(FLOATS);
        FloatVector acc1 = FloatVector.zero(FLOATS);
        int c = 0;
        for (int bound = cols - 2 * LANES; c <= bound; c += 2 * LANES) {
            FloatVector w0 = ShortVector.fromMemorySegment(SHORTS, data, base + 2L * c, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_S2I, INTS, 0)
                    .reinterpretAsInts().lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
            FloatVector w1 = ShortVector.fromMemorySegment(SHORTS, data, base + 2L * (c + LANES), LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_S2I, INTS, 0)
                    .reinterpretAsInts().lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
            acc0 = w0.fma(FloatVector.fromArray(FLOATS, x, xOffset + c), acc0);
            acc1 = w1.fma(FloatVector.fromArray(FLOATS, x, xOffset + c + LANES), acc1);
        }
        float sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        for (; c < cols; c++) {
            sum += Simd.bfloat16(data.get(Simd.SHORT_LE, base + 2L * c)) * x[xOffset + c];
        }
        return sum;
    }

    @Override
    void dequantize(int row, int col, int numCols, float[] dst, int dstOffset) {
        assert validRange(row, col, numCols);
        long base = row * rowBytes + 2L * col;
        int i = 0;
        for (int bound = numCols - LANES; i <= bound; i += LANES) {
            ShortVector.fromMemorySegment(SHORTS, data, base + 2L * i, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_S2I, INTS, 0)
                    .reinterpretAsInts().lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats()
                    .intoArray(dst, dstOffset + i);
        }
        for (; i < numCols; i++) {
            dst[dstOffset + i] = Simd.bfloat16(data.get(Simd.SHORT_LE, base + 2L * i));
        }
    }
}
