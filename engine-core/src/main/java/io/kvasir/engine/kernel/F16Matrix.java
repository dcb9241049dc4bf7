package io.kvasir.engine.kernel;

import static io.kvasir.engine.kernel.Simd.FLOATS;
import static io.kvasir.engine.kernel.Simd.INTS;
import static io.kvasir.engine.kernel.Simd.LANES;
import static io.kvasir.engine.kernel.Simd.LE;
import static io.kvasir.engine.kernel.Simd.SHORTS;

import java.lang.foreign.MemorySegment;

import io.kvasir.engine.gguf.GgmlType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Little-endian IEEE half-precision weights, widened to float in registers exactly (subnormals, infinities
 * and NaN included). The Vector API has no half-precision conversion, so: sign-extend the 16 bits to 32 and
 * shift left by 13, which puts exponent and mantissa in float position and copies of the sign in bits
 * 28-31; keep bit 31 of those; multiply by 2^112 to re-bias the exponent (exact, subnormals included);
 * restore the all-ones exponent of infinities and NaN.
 */
final class F16Matrix extends WeightMatrix {

    private static final int SIGN_EXPONENT_MANTISSA = 0x8fffe000;

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
            IntVector h0 = (IntVector) ShortVector.fromMemorySegment(SHORTS, data, base + 2L * c, LE)
                    .convertShape(VectorOperators.S2I, INTS, 0);
            IntVector h1 = (IntVector) ShortVector.fromMemorySegment(SHORTS, data, base + 2L * (c + LANES), LE)
                    .convertShape(VectorOperators.S2I, INTS, 0);
            IntVector b0 = h0.lanewise(VectorOperators.LSHL, 13).and(SIGN_EXPONENT_MANTISSA)
                    .reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts();
            IntVector b1 = h1.lanewise(VectorOperators.LSHL, 13).and(SIGN_EXPONENT_MANTISSA)
                    .reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts();
            FloatVector w0 = b0.blend(b0.or(0x7f800000), h0.and(0x7c00).compare(VectorOperators.EQ, 0x7c00))
                    .reinterpretAsFloats();
            FloatVector w1 = b1.blend(b1.or(0x7f800000), h1.and(0x7c00).compare(VectorOperators.EQ, 0x7c00))
                    .reinterpretAsFloats();
            acc0 = w0.fma(FloatVector.fromArray(FLOATS, x, xOffset + c), acc0);
            acc1 = w1.fma(FloatVector.fromArray(FLOATS, x, xOffset + c + LANES), acc1);
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
            IntVector h = (IntVector) ShortVector.fromMemorySegment(SHORTS, data, base + 2L * i, LE)
                    .convertShape(VectorOperators.S2I, INTS, 0);
            IntVector bits = h.lanewise(VectorOperators.LSHL, 13).and(SIGN_EXPONENT_MANTISSA)
                    .reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts();
            bits.blend(bits.or(0x7f800000), h.and(0x7c00).compare(VectorOperators.EQ, 0x7c00)).reinterpretAsFloats()
                    .intoArray(dst, dstOffset + i);
        }
        for (; i < numCols; i++) {
            dst[dstOffset + i] = Simd.f16(data, base + 2L * i);
        }
    }
}
