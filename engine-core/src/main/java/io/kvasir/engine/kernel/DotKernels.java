package io.kvasir.engine.kernel;

import static io.kvasir.engine.kernel.Simd.FLOATS;
import static io.kvasir.engine.kernel.Simd.LANES;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Dot-product kernels for small batches (a few activation rows): two dequantised weight rows
 * ({@code w[0..cols)} and {@code w[ldw..ldw+cols)}) against {@code NB} activation rows
 * ({@code x[xOffset + b*ldx ..]}), lane-wise accumulators over all columns reduced once at the end:
 * {@code out[outOffset + b*outStride + j] = sum_c w[j*ldw + c] * x[xOffset + b*ldx + c]}.
 *
 * <p>Each loaded weight vector feeds {@code NB} FMAs and each activation vector two, so a handful of
 * activation rows share one pass over the weights, where the GEMM kernels would waste most of their batch
 * lanes. The accumulators are written out, not looped, so they stay in registers.
 */
final class DotKernels {

    private DotKernels() {
    }

    /** Two weight rows times 4 activation rows. */
    static void rows2x4(float[] w, int ldw, float[] x, int xOffset, int ldx, int cols,
            float[] out, int outOffset, int outStride) {
        FloatVector a00 = FloatVector.zero(FLOATS);
        FloatVector a01 = FloatVector.zero(FLOATS);
        FloatVector a02 = FloatVector.zero(FLOATS);
        FloatVector a03 = FloatVector.zero(FLOATS);
        FloatVector a10 = FloatVector.zero(FLOATS);
        FloatVector a11 = FloatVector.zero(FLOATS);
        FloatVector a12 = FloatVector.zero(FLOATS);
        FloatVector a13 = FloatVector.zero(FLOATS);
        int c = 0;
        for (int bound = FLOATS.loopBound(cols); c < bound; c += LANES) {
            FloatVector w0 = FloatVector.fromArray(FLOATS, w, c);
            FloatVector w1 = FloatVector.fromArray(FLOATS, w, ldw + c);
            FloatVector x0 = FloatVector.fromArray(FLOATS, x, xOffset + c);
            a00 = w0.fma(x0, a00);
            a10 = w1.fma(x0, a10);
            FloatVector x1 = FloatVector.fromArray(FLOATS, x, xOffset + ldx + c);
            a01 = w0.fma(x1, a01);
            a11 = w1.fma(x1, a11);
            FloatVector x2 = FloatVector.fromArray(FLOATS, x, xOffset + 2 * ldx + c);
            a02 = w0.fma(x2, a02);
            a12 = w1.fma(x2, a12);
            FloatVector x3 = FloatVector.fromArray(FLOATS, x, xOffset + 3 * ldx + c);
            a03 = w0.fma(x3, a03);
            a13 = w1.fma(x3, a13);
        }
        float s00 = a00.reduceLanes(VectorOperators.ADD);
        float s01 = a01.reduceLanes(VectorOperators.ADD);
        float s02 = a02.reduceLanes(VectorOperators.ADD);
        float s03 = a03.reduceLanes(VectorOperators.ADD);
        float s10 = a10.reduceLanes(VectorOperators.ADD);
        float s11 = a11.reduceLanes(VectorOperators.ADD);
        float s12 = a12.reduceLanes(VectorOperators.ADD);
        float s13 = a13.reduceLanes(VectorOperators.ADD);
        for (; c < cols; c++) {
            float v0 = w[c];
            float v1 = w[ldw + c];
            s00 += v0 * x[xOffset + c];
            s10 += v1 * x[xOffset + c];
            s01 += v0 * x[xOffset + ldx + c];
            s11 += v1 * x[xOffset + ldx + c];
            s02 += v0 * x[xOffset + 2 * ldx + c];
            s12 += v1 * x[xOffset + 2 * ldx + c];
            s03 += v0 * x[xOffset + 3 * ldx + c];
            s13 += v1 * x[xOffset + 3 * ldx + c];
        }
        out[outOffset] = s00;
        out[outOffset + 1] = s10;
        out[outOffset + outStride] = s01;
        out[outOffset + outStride + 1] = s11;
        out[outOffset + 2 * outStride] = s02;
        out[outOffset + 2 * outStride + 1] = s12;
        out[outOffset + 3 * outStride] = s03;
        out[outOffset + 3 * outStride + 1] = s13;
    }

    /** Two weight rows times 2 activation rows. */
    static void rows2x2(float[] w, int ldw, float[] x, int xOffset, int ldx, int cols,
            float[] out, int outOffset, int outStride) {
        FloatVector a00 = FloatVector.zero(FLOATS);
        FloatVector a01 = FloatVector.zero(FLOATS);
        FloatVector a10 = FloatVector.zero(FLOATS);
        FloatVector a11 = FloatVector.zero(FLOATS);
        int c = 0;
        for (int bound = FLOATS.loopBound(cols); c < bound; c += LANES) {
            FloatVector w0 = FloatVector.fromArray(FLOATS, w, c);
            FloatVector w1 = FloatVector.fromArray(FLOATS, w, ldw + c);
            FloatVector x0 = FloatVector.fromArray(FLOATS, x, xOffset + c);
            a00 = w0.fma(x0, a00);
            a10 = w1.fma(x0, a10);
            FloatVector x1 = FloatVector.fromArray(FLOATS, x, xOffset + ldx + c);
            a01 = w0.fma(x1, a01);
            a11 = w1.fma(x1, a11);
        }
        float s00 = a00.reduceLanes(VectorOperators.ADD);
        float s01 = a01.reduceLanes(VectorOperators.ADD);
        float s10 = a10.reduceLanes(VectorOperators.ADD);
        float s11 = a11.reduceLanes(VectorOperators.ADD);
        for (; c < cols; c++) {
            float v0 = w[c];
            float v1 = w[ldw + c];
            s00 += v0 * x[xOffset + c];
            s10 += v1 * x[xOffset + c];
            s01 += v0 * x[xOffset + ldx + c];
            s11 += v1 * x[xOffset + ldx + c];
        }
        out[outOffset] = s00;
        out[outOffset + 1] = s10;
        out[outOffset + outStride] = s01;
        out[outOffset + outStride + 1] = s11;
    }

    /** Two weight rows times 1 activation row. */
    static void rows2x1(float[] w, int ldw, float[] x, int xOffset, int ldx, int cols,
            float[] out, int outOffset, int outStride) {
        FloatVector a00 = FloatVector.zero(FLOATS);
        FloatVector a10 = FloatVector.zero(FLOATS);
        int c = 0;
        for (int bound = FLOATS.loopBound(cols); c < bound; c += LANES) {
            FloatVector w0 = FloatVector.fromArray(FLOATS, w, c);
            FloatVector w1 = FloatVector.fromArray(FLOATS, w, ldw + c);
            FloatVector x0 = FloatVector.fromArray(FLOATS, x, xOffset + c);
            a00 = w0.fma(x0, a00);
            a10 = w1.fma(x0, a10);
        }
        float s00 = a00.reduceLanes(VectorOperators.ADD);
        float s10 = a10.reduceLanes(VectorOperators.ADD);
        for (; c < cols; c++) {
            float v0 = w[c];
            float v1 = w[ldw + c];
            s00 += v0 * x[xOffset + c];
            s10 += v1 * x[xOffset + c];
        }
        out[outOffset] = s00;
        out[outOffset + 1] = s10;
    }
}
