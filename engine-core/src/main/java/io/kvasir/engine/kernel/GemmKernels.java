package io.kvasir.engine.kernel;

import static io.kvasir.engine.kernel.Simd.DOUBLES;
import static io.kvasir.engine.kernel.Simd.FLOATS;
import static io.kvasir.engine.kernel.Simd.LANES;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;

/**
 * Register-blocked float micro-kernels of the batched matrix multiply, on row pairs.
 *
 * <p>Layouts: the panel holds eight or twelve dequantised weight rows as four or six row pairs;
 * {@code panel[panelOffset + p*ldp + k]} is a double whose low float is row {@code 2p} and high float row
 * {@code 2p+1} at column {@code k}. The activations are transposed and duplicated:
 * {@code xt[xOffset + k*ldx + 2b + j]} is activation row {@code b} at column {@code k} for {@code j = 0, 1}.
 * One 64-bit broadcast of a pair therefore lines up with {@code LANES/2} activation rows: accumulator lane
 * {@code 2b + j} of {@code a[p][v]} sums row {@code 2p + j} times activation row {@code v*LANES/2 + b}. Each
 * kernel pairsPxNV computes, for pairs {@code p < P} and lane groups {@code v < NV}:
 * {@code acc[accOffset + p*lda + v*LANES + l] += sum_k pairs(panel[panelOffset + p*ldp + k])[l] * xt[...]}.
 *
 * <p>Why pairs: a broadcast costs a shuffle-port slot on the target CPUs, and one broadcast per two rows
 * halves that cost against per-row broadcasting (measured 89 vs 76 GFLOP/s per core at 16 activation rows,
 * 111 vs 103 at 48). The P x NV accumulators stay in registers over the {@code kc} loop (at most 24 of the
 * 32 AVX-512 registers), which is why the kernels are written out rather than looped. Batches of exactly two
 * lane groups use six pairs: more rows per loaded activation vector (97 vs 89 GFLOP/s at 16 rows).
 */
final class GemmKernels {

    /** Row pairs in a panel for wide batches (kernels pairs4xN). */
    static final int WIDE_PANEL_PAIRS = 4;
    /** Row pairs in a panel for two lane groups (kernel pairs6x2). */
    static final int NARROW_PANEL_PAIRS = 6;
    /** Activation rows one lane group covers. */
    static final int ROWS_PER_GROUP = LANES / 2;

    private GemmKernels() {
    }

    /** Four row pairs times 6 lane groups (6 x LANES/2 activation rows). */
    static void pairs4x6(double[] panel, int panelOffset, int ldp, float[] xt, int xOffset, int ldx, int kc,
            float[] acc, int accOffset, int lda) {
        assert kc <= ldp && panel.length >= panelOffset + 3 * ldp + kc;
        FloatVector a00 = FloatVector.fromArray(FLOATS, acc, accOffset);
        FloatVector a01 = FloatVector.fromArray(FLOATS, acc, accOffset + LANES);
        FloatVector a02 = FloatVector.fromArray(FLOATS, acc, accOffset + 2 * LANES);
        FloatVector a03 = FloatVector.fromArray(FLOATS, acc, accOffset + 3 * LANES);
        FloatVector a04 = FloatVector.fromArray(FLOATS, acc, accOffset + 4 * LANES);
        FloatVector a05 = FloatVector.fromArray(FLOATS, acc, accOffset + 5 * LANES);
        FloatVector a10 = FloatVector.fromArray(FLOATS, acc, accOffset + lda);
        FloatVector a11 = FloatVector.fromArray(FLOATS, acc, accOffset + lda + LANES);
        FloatVector a12 = FloatVector.fromArray(FLOATS, acc, accOffset + lda + 2 * LANES);
        FloatVector a13 = FloatVector.fromArray(FLOATS, acc, accOffset + lda + 3 * LANES);
        FloatVector a14 = FloatVector.fromArray(FLOATS, acc, accOffset + lda + 4 * LANES);
        FloatVector a15 = FloatVector.fromArray(FLOATS, acc, accOffset + lda + 5 * LANES);
        FloatVector a20 = FloatVector.fromArray(FLOATS, acc, accOffset + 2 * lda);
        FloatVector a21 = FloatVector.fromArray(FLOATS, acc, accOffset + 2 * lda + LANES);
        FloatVector a22 = FloatVector.fromArray(FLOATS, acc, accOffset + 2 * lda + 2 * LANES);
        FloatVector a23 = FloatVector.fromArray(FLOATS, acc, accOffset + 2 * lda + 3 * LANES);
        FloatVector a24 = FloatVector.fromArray(FLOATS, acc, accOffset + 2 * lda + 4 * LANES);
        FloatVector a25 = FloatVector.fromArray(FLOATS, acc, accOffset + 2 * lda + 5 * LANES);
        FloatVector a30 = FloatVector.fromArray(FLOATS, acc, accOffset + 3 * lda);
        FloatVector a31 = FloatVector.fromArray(FLOATS, acc, accOffset + 3 * lda + LANES);
        FloatVector a32 = FloatVector.fromArray(FLOATS, acc, accOffset + 3 * lda + 2 * LANES);
        FloatVector a33 = FloatVector.fromArray(FLOATS, acc, accOffset + 3 * lda + 3 * LANES);
        FloatVector a34 = FloatVector.fromArray(FLOATS, acc, accOffset + 3 * lda + 4 * LANES);
        FloatVector a35 = FloatVector.fromArray(FLOATS, acc, accOffset + 3 * lda + 5 * LANES);
        int p0 = panelOffset;
        int p1 = panelOffset + ldp;
        int p2 = panelOffset + 2 * ldp;
        int p3 = panelOffset + 3 * ldp;
        for (int k = 0, xk = xOffset; k < kc; k++, xk += ldx) {
            FloatVector x0 = FloatVector.fromArray(FLOATS, xt, xk);
            FloatVector x1 = FloatVector.fromArray(FLOATS, xt, xk + LANES);
            FloatVector x2 = FloatVector.fromArray(FLOATS, xt, xk + 2 * LANES);
            FloatVector x3 = FloatVector.fromArray(FLOATS, xt, xk + 3 * LANES);
            FloatVector x4 = FloatVector.fromArray(FLOATS, xt, xk + 4 * LANES);
            FloatVector x5 = FloatVector.fromArray(FLOATS, xt, xk + 5 * LANES);
            FloatVector w0 = DoubleVector.broadcast(DOUBLES, panel[p0 + k]).reinterpretAsFloats();
            a00 = w0.fma(x0, a00);
            a01 = w0.fma(x1, a01);
            a02 = w0.fma(x2, a02);
            a03 = w0.fma(x3, a03);
            a04 = w0.fma(x4, a04);
            a05 = w0.fma(x5, a05);
            FloatVector w1 = DoubleVector.broadcast(DOUBLES, panel[p1 + k]).reinterpretAsFloats();
            a10 = w1.fma(x0, a10);
            a11 = w1.fma(x1, a11);
            a12 = w1.fma(x2, a12);
            a13 = w1.fma(x3, a13);
            a14 = w1.fma(x4, a14);
            a15 = w1.fma(x5, a15);
            FloatVector w2 = DoubleVector.broadcast(DOUBLES, panel[p2 + k]).reinterpretAsFloats();
            a20 = w2.fma(x0, a20);
            a21 = w2.fma(x1, a21);
            a22 = w2.fma(x2, a22);
            a23 = w2.fma(x3, a23);
            a24 = w2.fma(x4, a24);
            a25 = w2.fma(x5, a25);
            FloatVector w3 = DoubleVector.broadcast(DOUBLES, panel[p3 + k]).reinterpretAsFloats();
            a30 = w3.fma(x0, a30);
            a31 = w3.fma(x1, a31);
            a32 = w3.fma(x2, a32);
            a33 = w3.fma(x3, a33);
            a34 = w3.fma(x4, a34);
            a35 = w3.fma(x5, a35);
        }
        a00.intoArray(acc, accOffset);
        a01.intoArray(acc, accOffset + LANES);
        a02.intoArray(acc, accOffset + 2 * LANES);
        a03.intoArray(acc, accOffset + 3 * LANES);
        a04.intoArray(acc, accOffset + 4 * LANES);
        a05.intoArray(acc, accOffset + 5 * LANES);
        a10.intoArray(acc, accOffset + lda);
        a11.intoArray(acc, accOffset + lda + LANES);
        a12.intoArray(acc, accOffset + lda + 2 * LANES);
        a13.intoArray(acc, accOffset + lda + 3 * LANES);
        a14.intoArray(acc, accOffset + lda + 4 * LANES);
        a15.intoArray(acc, accOffset + lda + 5 * LANES);
        a20.intoArray(acc, accOffset + 2 * lda);
        a21.intoArray(acc, accOffset + 2 * lda + LANES);
        a22.intoArray(acc, accOffset + 2 * lda + 2 * LANES);
        a23.intoArray(acc, accOffset + 2 * lda + 3 * LANES);
        a24.intoArray(acc, accOffset + 2 * lda + 4 * LANES);
        a25.intoArray(acc, accOffset + 2 * lda + 5 * LANES);
        a30.intoArray(acc, accOffset + 3 * lda);
        a31.intoArray(acc, accOffset + 3 * lda + LANES);
        a32.intoArray(acc, accOffset + 3 * lda + 2 * LANES);
        a33.intoArray(acc, accOffset + 3 * lda + 3 * LANES);
        a34.intoArray(acc, accOffset + 3 * lda + 4 * LANES);
        a35.intoArray(acc, accOffset + 3 * lda + 5 * LANES);
    }

    /** Four row pairs times 4 lane groups (4 x LANES/2 activation rows). */
    static void pairs4x4(double[] panel, int panelOffset, int ldp, float[] xt, int xOffset, int ldx, int kc,
            float[] acc, int accOffset, int lda) {
        assert kc <= ldp && panel.length >= panelOffset + 3 * ldp + kc;
        FloatVector a00 = FloatVector.fromArray(FLOATS, acc, accOffset);
        FloatVector a01 = FloatVector.fromArray(FLOATS, acc, accOffset + LANES);
        FloatVector a02 = FloatVector.fromArray(FLOATS, acc, accOffset + 2 * LANES);
        FloatVector a03 = FloatVector.fromArray(FLOATS, acc, accOffset + 3 * LANES);
        FloatVector a10 = FloatVector.fromArray(FLOATS, acc, accOffset + lda);
        FloatVector a11 = FloatVector.fromArray(FLOATS, acc, accOffset + lda + LANES);
        FloatVector a12 = FloatVector.fromArray(FLOATS, acc, accOffset + lda + 2 * LANES);
        FloatVector a13 = FloatVector.fromArray(FLOATS, acc, accOffset + lda + 3 * LANES);
        FloatVector a20 = FloatVector.fromArray(FLOATS, acc, accOffset + 2 * lda);
        FloatVector a21 = FloatVector.fromArray(FLOATS, acc, accOffset + 2 * lda + LANES);
        FloatVector a22 = FloatVector.fromArray(FLOATS, acc, accOffset + 2 * lda + 2 * LANES);
        FloatVector a23 = FloatVector.fromArray(FLOATS, acc, accOffset + 2 * lda + 3 * LANES);
        FloatVector a30 = FloatVector.fromArray(FLOATS, acc, accOffset + 3 * lda);
        FloatVector a31 = FloatVector.fromArray(FLOATS, acc, accOffset + 3 * lda + LANES);
        FloatVector a32 = FloatVector.fromArray(FLOATS, acc, accOffset + 3 * lda + 2 * LANES);
        FloatVector a33 = FloatVector.fromArray(FLOATS, acc, accOffset + 3 * lda + 3 * LANES);
        int p0 = panelOffset;
        int p1 = panelOffset + ldp;
        int p2 = panelOffset + 2 * ldp;
        int p3 = panelOffset + 3 * ldp;
        for (int k = 0, xk = xOffset; k < kc; k++, xk += ldx) {
            FloatVector x0 = FloatVector.fromArray(FLOATS, xt, xk);
            FloatVector x1 = FloatVector.fromArray(FLOATS, xt, xk + LANES);
            FloatVector x2 = FloatVector.fromArray(FLOATS, xt, xk + 2 * LANES);
            FloatVector x3 = FloatVector.fromArray(FLOATS, xt, xk + 3 * LANES);
            FloatVector w0 = DoubleVector.broadcast(DOUBLES, panel[p0 + k]).reinterpretAsFloats();
            a00 = w0.fma(x0, a00);
            a01 = w0.fma(x1, a01);
            a02 = w0.fma(x2, a02);
            a03 = w0.fma(x3, a03);
            FloatVector w1 = DoubleVector.broadcast(DOUBLES, panel[p1 + k]).reinterpretAsFloats();
            a10 = w1.fma(x0, a10);
            a11 = w1.fma(x1, a11);
            a12 = w1.fma(x2, a12);
            a13 = w1.fma(x3, a13);
            FloatVector w2 = DoubleVector.broadcast(DOUBLES, panel[p2 + k]).reinterpretAsFloats();
            a20 = w2.fma(x0, a20);
            a21 = w2.fma(x1, a21);
            a22 = w2.fma(x2, a22);
            a23 = w2.fma(x3, a23);
            FloatVector w3 = DoubleVector.broadcast(DOUBLES, panel[p3 + k]).reinterpretAsFloats();
            a30 = w3.fma(x0, a30);
            a31 = w3.fma(x1, a31);
            a32 = w3.fma(x2, a32);
            a33 = w3.fma(x3, a33);
        }
        a00.intoArray(acc, accOffset);
        a01.intoArray(acc, accOffset + LANES);
        a02.intoArray(acc, accOffset + 2 * LANES);
        a03.intoArray(acc, accOffset + 3 * LANES);
        a10.intoArray(acc, accOffset + lda);
        a11.intoArray(acc, accOffset + lda + LANES);
        a12.intoArray(acc, accOffset + lda + 2 * LANES);
        a13.intoArray(acc, accOffset + lda + 3 * LANES);
        a20.intoArray(acc, accOffset + 2 * lda);
        a21.intoArray(acc, accOffset + 2 * lda + LANES);
        a22.intoArray(acc, accOffset + 2 * lda + 2 * LANES);
        a23.intoArray(acc, accOffset + 2 * lda + 3 * LANES);
        a30.intoArray(acc, accOffset + 3 * lda);
        a31.intoArray(acc, accOffset + 3 * lda + LANES);
        a32.intoArray(acc, accOffset + 3 * lda + 2 * LANES);
        a33.intoArray(acc, accOffset + 3 * lda + 3 * LANES);
    }

    /** Four row pairs times 2 lane groups (2 x LANES/2 activation rows). */
    static void pairs4x2(double[] panel, int panelOffset, int ldp, float[] xt, int xOffset, int ldx, int kc,
            float[] acc, int accOffset, int lda) {
        assert kc <= ldp && panel.length >= panelOffset + 3 * ldp + kc;
        FloatVector a00 = FloatVector.fromArray(FLOATS, acc, accOffset);
        FloatVector a01 = FloatVector.fromArray(FLOATS, acc, accOffset + LANES);
        FloatVector a10 = FloatVector.fromArray(FLOATS, acc, accOffset + lda);
        FloatVector a11 = FloatVector.fromArray(FLOATS, acc, accOffset + lda + LANES);
        FloatVector a20 = FloatVector.fromArray(FLOATS, acc, accOffset + 2 * lda);
        FloatVector a21 = FloatVector.fromArray(FLOATS, acc, accOffset + 2 * lda + LANES);
        FloatVector a30 = FloatVector.fromArray(FLOATS, acc, accOffset + 3 * lda);
        FloatVector a31 = FloatVector.fromArray(FLOATS, acc, accOffset + 3 * lda + LANES);
        int p0 = panelOffset;
        int p1 = panelOffset + ldp;
        int p2 = panelOffset + 2 * ldp;
        int p3 = panelOffset + 3 * ldp;
        for (int k = 0, xk = xOffset; k < kc; k++, xk += ldx) {
            FloatVector x0 = FloatVector.fromArray(FLOATS, xt, xk);
            FloatVector x1 = FloatVector.fromArray(FLOATS, xt, xk + LANES);
            FloatVector w0 = DoubleVector.broadcast(DOUBLES, panel[p0 + k]).reinterpretAsFloats();
            a00 = w0.fma(x0, a00);
            a01 = w0.fma(x1, a01);
            FloatVector w1 = DoubleVector.broadcast(DOUBLES, panel[p1 + k]).reinterpretAsFloats();
            a10 = w1.fma(x0, a10);
            a11 = w1.fma(x1, a11);
            FloatVector w2 = DoubleVector.broadcast(DOUBLES, panel[p2 + k]).reinterpretAsFloats();
            a20 = w2.fma(x0, a20);
            a21 = w2.fma(x1, a21);
            FloatVector w3 = DoubleVector.broadcast(DOUBLES, panel[p3 + k]).reinterpretAsFloats();
            a30 = w3.fma(x0, a30);
            a31 = w3.fma(x1, a31);
        }
        a00.intoArray(acc, accOffset);
        a01.intoArray(acc, accOffset + LANES);
        a10.intoArray(acc, accOffset + lda);
        a11.intoArray(acc, accOffset + lda + LANES);
        a20.intoArray(acc, accOffset + 2 * lda);
        a21.intoArray(acc, accOffset + 2 * lda + LANES);
        a30.intoArray(acc, accOffset + 3 * lda);
        a31.intoArray(acc, accOffset + 3 * lda + LANES);
    }

    /** Four row pairs times 1 lane group (1 x LANES/2 activation rows). */
    static void pairs4x1(double[] panel, int panelOffset, int ldp, float[] xt, int xOffset, int ldx, int kc,
            float[] acc, int accOffset, int lda) {
        assert kc <= ldp && panel.length >= panelOffset + 3 * ldp + kc;
        FloatVector a00 = FloatVector.fromArray(FLOATS, acc, accOffset);
        FloatVector a10 = FloatVector.fromArray(FLOATS, acc, accOffset + lda);
        FloatVector a20 = FloatVector.fromArray(FLOATS, acc, accOffset + 2 * lda);
        FloatVector a30 = FloatVector.fromArray(FLOATS, acc, accOffset + 3 * lda);
        int p0 = panelOffset;
        int p1 = panelOffset + ldp;
        int p2 = panelOffset + 2 * ldp;
        int p3 = panelOffset + 3 * ldp;
        for (int k = 0, xk = xOffset; k < kc; k++, xk += ldx) {
            FloatVector x0 = FloatVector.fromArray(FLOATS, xt, xk);
            FloatVector w0 = DoubleVector.broadcast(DOUBLES, panel[p0 + k]).reinterpretAsFloats();
            a00 = w0.fma(x0, a00);
            FloatVector w1 = DoubleVector.broadcast(DOUBLES, panel[p1 + k]).reinterpretAsFloats();
            a10 = w1.fma(x0, a10);
            FloatVector w2 = DoubleVector.broadcast(DOUBLES, panel[p2 + k]).reinterpretAsFloats();
            a20 = w2.fma(x0, a20);
            FloatVector w3 = DoubleVector.broadcast(DOUBLES, panel[p3 + k]).reinterpretAsFloats();
            a30 = w3.fma(x0, a30);
        }
        a00.intoArray(acc, accOffset);
        a10.intoArray(acc, accOffset + lda);
        a20.intoArray(acc, accOffset + 2 * lda);
        a30.intoArray(acc, accOffset + 3 * lda);
    }

    /** Six row pairs times 2 lane groups (2 x LANES/2 activation rows). */
    static void pairs6x2(double[] panel, int panelOffset, int ldp, float[] xt, int xOffset, int ldx, int kc,
            float[] acc, int accOffset, int lda) {
        assert kc <= ldp && panel.length >= panelOffset + 5 * ldp + kc;
        FloatVector a00 = FloatVector.fromArray(FLOATS, acc, accOffset);
        FloatVector a01 = FloatVector.fromArray(FLOATS, acc, accOffset + LANES);
        FloatVector a10 = FloatVector.fromArray(FLOATS, acc, accOffset + lda);
        FloatVector a11 = FloatVector.fromArray(FLOATS, acc, accOffset + lda + LANES);
        FloatVector a20 = FloatVector.fromArray(FLOATS, acc, accOffset + 2 * lda);
        FloatVector a21 = FloatVector.fromArray(FLOATS, acc, accOffset + 2 * lda + LANES);
        FloatVector a30 = FloatVector.fromArray(FLOATS, acc, accOffset + 3 * lda);
        FloatVector a31 = FloatVector.fromArray(FLOATS, acc, accOffset + 3 * lda + LANES);
        FloatVector a40 = FloatVector.fromArray(FLOATS, acc, accOffset + 4 * lda);
        FloatVector a41 = FloatVector.fromArray(FLOATS, acc, accOffset + 4 * lda + LANES);
        FloatVector a50 = FloatVector.fromArray(FLOATS, acc, accOffset + 5 * lda);
        FloatVector a51 = FloatVector.fromArray(FLOATS, acc, accOffset + 5 * lda + LANES);
        int p0 = panelOffset;
        int p1 = panelOffset + ldp;
        int p2 = panelOffset + 2 * ldp;
        int p3 = panelOffset + 3 * ldp;
        int p4 = panelOffset + 4 * ldp;
        int p5 = panelOffset + 5 * ldp;
        for (int k = 0, xk = xOffset; k < kc; k++, xk += ldx) {
            FloatVector x0 = FloatVector.fromArray(FLOATS, xt, xk);
            FloatVector x1 = FloatVector.fromArray(FLOATS, xt, xk + LANES);
            FloatVector w0 = DoubleVector.broadcast(DOUBLES, panel[p0 + k]).reinterpretAsFloats();
            a00 = w0.fma(x0, a00);
            a01 = w0.fma(x1, a01);
            FloatVector w1 = DoubleVector.broadcast(DOUBLES, panel[p1 + k]).reinterpretAsFloats();
            a10 = w1.fma(x0, a10);
            a11 = w1.fma(x1, a11);
            FloatVector w2 = DoubleVector.broadcast(DOUBLES, panel[p2 + k]).reinterpretAsFloats();
            a20 = w2.fma(x0, a20);
            a21 = w2.fma(x1, a21);
            FloatVector w3 = DoubleVector.broadcast(DOUBLES, panel[p3 + k]).reinterpretAsFloats();
            a30 = w3.fma(x0, a30);
            a31 = w3.fma(x1, a31);
            FloatVector w4 = DoubleVector.broadcast(DOUBLES, panel[p4 + k]).reinterpretAsFloats();
            a40 = w4.fma(x0, a40);
            a41 = w4.fma(x1, a41);
            FloatVector w5 = DoubleVector.broadcast(DOUBLES, panel[p5 + k]).reinterpretAsFloats();
            a50 = w5.fma(x0, a50);
            a51 = w5.fma(x1, a51);
        }
        a00.intoArray(acc, accOffset);
        a01.intoArray(acc, accOffset + LANES);
        a10.intoArray(acc, accOffset + lda);
        a11.intoArray(acc, accOffset + lda + LANES);
        a20.intoArray(acc, accOffset + 2 * lda);
        a21.intoArray(acc, accOffset + 2 * lda + LANES);
        a30.intoArray(acc, accOffset + 3 * lda);
        a31.intoArray(acc, accOffset + 3 * lda + LANES);
        a40.intoArray(acc, accOffset + 4 * lda);
        a41.intoArray(acc, accOffset + 4 * lda + LANES);
        a50.intoArray(acc, accOffset + 5 * lda);
        a51.intoArray(acc, accOffset + 5 * lda + LANES);
    }
}
