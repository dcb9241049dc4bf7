package io.kvasir.engine.kernel;

import static io.kvasir.engine.kernel.Simd.FLOATS;
import static io.kvasir.engine.kernel.Simd.LANES;

import jdk.incubator.vector.FloatVector;

/**
 * Register-blocked float micro-kernels of the batched matrix multiply.
 *
 * <p>Each computes, for panel rows {@code r < 8}, lane groups {@code v < NV} and {@code k < kc}:
 * {@code acc[accOffset + r*lda + v*LANES + l] += panel[r*ldp + k] * xt[xOffset + k*ldx + v*LANES + l]}.
 * The panel holds eight dequantised weight rows; {@code xt} holds the activations transposed, one
 * {@code ldx}-wide row of batch lanes per column {@code k}. A weight element is broadcast once and
 * multiplied into {@code NV} vectors of batch lanes, so every loaded weight is reused across the batch;
 * the 8 x NV accumulators stay in registers over the whole {@code kc} loop (8 x 3 = 24 of the 32 AVX-512
 * registers), which is why the kernels are written out rather than looped.
 */
final class GemmKernels {

    /** Rows of the weight panel each kernel consumes. */
    static final int PANEL_ROWS = 8;

    private GemmKernels() {
    }

    /** 8 panel rows times 3 lane groups of the transposed activations. */
    static void rows8x3(float[] panel, int ldp, float[] xt, int xOffset, int ldx, int kc,
            float[] acc, int accOffset, int lda) {
        assert kc <= ldp && panel.length >= 7 * ldp + kc;
        FloatVector a00 = FloatVector.fromArray(FLOATS, acc, accOffset);
        FloatVector a01 = FloatVector.fromArray(FLOATS, acc, accOffset + LANES);
        FloatVector a02 = FloatVector.fromArray(FLOATS, acc, accOffset + 2 * LANES);
        FloatVector a10 = FloatVector.fromArray(FLOATS, acc, accOffset + lda);
        FloatVector a11 = FloatVector.fromArray(FLOATS, acc, accOffset + lda + LANES);
        FloatVector a12 = FloatVector.fromArray(FLOATS, acc, accOffset + lda + 2 * LANES);
        FloatVector a20 = FloatVector.fromArray(FLOATS, acc, accOffset + 2 * lda);
        FloatVector a21 = FloatVector.fromArray(FLOATS, acc, accOffset + 2 * lda + LANES);
        FloatVector a22 = FloatVector.fromArray(FLOATS, acc, accOffset + 2 * lda + 2 * LANES);
        FloatVector a30 = FloatVector.fromArray(FLOATS, acc, accOffset + 3 * lda);
        FloatVector a31 = FloatVector.fromArray(FLOATS, acc, accOffset + 3 * lda + LANES);
        FloatVector a32 = FloatVector.fromArray(FLOATS, acc, accOffset + 3 * lda + 2 * LANES);
        FloatVector a40 = FloatVector.fromArray(FLOATS, acc, accOffset + 4 * lda);
        FloatVector a41 = FloatVector.fromArray(FLOATS, acc, accOffset + 4 * lda + LANES);
        FloatVector a42 = FloatVector.fromArray(FLOATS, acc, accOffset + 4 * lda + 2 * LANES);
        FloatVector a50 = FloatVector.fromArray(FLOATS, acc, accOffset + 5 * lda);
        FloatVector a51 = FloatVector.fromArray(FLOATS, acc, accOffset + 5 * lda + LANES);
        FloatVector a52 = FloatVector.fromArray(FLOATS, acc, accOffset + 5 * lda + 2 * LANES);
        FloatVector a60 = FloatVector.fromArray(FLOATS, acc, accOffset + 6 * lda);
        FloatVector a61 = FloatVector.fromArray(FLOATS, acc, accOffset + 6 * lda + LANES);
        FloatVector a62 = FloatVector.fromArray(FLOATS, acc, accOffset + 6 * lda + 2 * LANES);
        FloatVector a70 = FloatVector.fromArray(FLOATS, acc, accOffset + 7 * lda);
        FloatVector a71 = FloatVector.fromArray(FLOATS, acc, accOffset + 7 * lda + LANES);
        FloatVector a72 = FloatVector.fromArray(FLOATS, acc, accOffset + 7 * lda + 2 * LANES);
        int p1 = ldp, p2 = 2 * ldp, p3 = 3 * ldp, p4 = 4 * ldp, p5 = 5 * ldp, p6 = 6 * ldp, p7 = 7 * ldp;
        for (int k = 0, xk = xOffset; k < kc; k++, xk += ldx) {
            FloatVector x0 = FloatVector.fromArray(FLOATS, xt, xk);
            FloatVector x1 = FloatVector.fromArray(FLOATS, xt, xk + LANES);
            FloatVector x2 = FloatVector.fromArray(FLOATS, xt, xk + 2 * LANES);
            FloatVector w0 = FloatVector.broadcast(FLOATS, panel[k]);
            a00 = w0.fma(x0, a00);
            a01 = w0.fma(x1, a01);
            a02 = w0.fma(x2, a02);
            FloatVector w1 = FloatVector.broadcast(FLOATS, panel[p1 + k]);
            a10 = w1.fma(x0, a10);
            a11 = w1.fma(x1, a11);
            a12 = w1.fma(x2, a12);
            FloatVector w2 = FloatVector.broadcast(FLOATS, panel[p2 + k]);
            a20 = w2.fma(x0, a20);
            a21 = w2.fma(x1, a21);
            a22 = w2.fma(x2, a22);
            FloatVector w3 = FloatVector.broadcast(FLOATS, panel[p3 + k]);
            a30 = w3.fma(x0, a30);
            a31 = w3.fma(x1, a31);
            a32 = w3.fma(x2, a32);
            FloatVector w4 = FloatVector.broadcast(FLOATS, panel[p4 + k]);
            a40 = w4.fma(x0, a40);
            a41 = w4.fma(x1, a41);
            a42 = w4.fma(x2, a42);
            FloatVector w5 = FloatVector.broadcast(FLOATS, panel[p5 + k]);
            a50 = w5.fma(x0, a50);
            a51 = w5.fma(x1, a51);
            a52 = w5.fma(x2, a52);
            FloatVector w6 = FloatVector.broadcast(FLOATS, panel[p6 + k]);
            a60 = w6.fma(x0, a60);
            a61 = w6.fma(x1, a61);
            a62 = w6.fma(x2, a62);
            FloatVector w7 = FloatVector.broadcast(FLOATS, panel[p7 + k]);
            a70 = w7.fma(x0, a70);
            a71 = w7.fma(x1, a71);
            a72 = w7.fma(x2, a72);
        }
        a00.intoArray(acc, accOffset);
        a01.intoArray(acc, accOffset + LANES);
        a02.intoArray(acc, accOffset + 2 * LANES);
        a10.intoArray(acc, accOffset + lda);
        a11.intoArray(acc, accOffset + lda + LANES);
        a12.intoArray(acc, accOffset + lda + 2 * LANES);
        a20.intoArray(acc, accOffset + 2 * lda);
        a21.intoArray(acc, accOffset + 2 * lda + LANES);
        a22.intoArray(acc, accOffset + 2 * lda + 2 * LANES);
        a30.intoArray(acc, accOffset + 3 * lda);
        a31.intoArray(acc, accOffset + 3 * lda + LANES);
        a32.intoArray(acc, accOffset + 3 * lda + 2 * LANES);
        a40.intoArray(acc, accOffset + 4 * lda);
        a41.intoArray(acc, accOffset + 4 * lda + LANES);
        a42.intoArray(acc, accOffset + 4 * lda + 2 * LANES);
        a50.intoArray(acc, accOffset + 5 * lda);
        a51.intoArray(acc, accOffset + 5 * lda + LANES);
        a52.intoArray(acc, accOffset + 5 * lda + 2 * LANES);
        a60.intoArray(acc, accOffset + 6 * lda);
        a61.intoArray(acc, accOffset + 6 * lda + LANES);
        a62.intoArray(acc, accOffset + 6 * lda + 2 * LANES);
        a70.intoArray(acc, accOffset + 7 * lda);
        a71.intoArray(acc, accOffset + 7 * lda + LANES);
        a72.intoArray(acc, accOffset + 7 * lda + 2 * LANES);
    }

    /** 8 panel rows times 2 lane groups of the transposed activations. */
    static void rows8x2(float[] panel, int ldp, float[] xt, int xOffset, int ldx, int kc,
            float[] acc, int accOffset, int lda) {
        assert kc <= ldp && panel.length >= 7 * ldp + kc;
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
        FloatVector a60 = FloatVector.fromArray(FLOATS, acc, accOffset + 6 * lda);
        FloatVector a61 = FloatVector.fromArray(FLOATS, acc, accOffset + 6 * lda + LANES);
        FloatVector a70 = FloatVector.fromArray(FLOATS, acc, accOffset + 7 * lda);
        FloatVector a71 = FloatVector.fromArray(FLOATS, acc, accOffset + 7 * lda + LANES);
        int p1 = ldp, p2 = 2 * ldp, p3 = 3 * ldp, p4 = 4 * ldp, p5 = 5 * ldp, p6 = 6 * ldp, p7 = 7 * ldp;
        for (int k = 0, xk = xOffset; k < kc; k++, xk += ldx) {
            FloatVector x0 = FloatVector.fromArray(FLOATS, xt, xk);
            FloatVector x1 = FloatVector.fromArray(FLOATS, xt, xk + LANES);
            FloatVector w0 = FloatVector.broadcast(FLOATS, panel[k]);
            a00 = w0.fma(x0, a00);
            a01 = w0.fma(x1, a01);
            FloatVector w1 = FloatVector.broadcast(FLOATS, panel[p1 + k]);
            a10 = w1.fma(x0, a10);
            a11 = w1.fma(x1, a11);
            FloatVector w2 = FloatVector.broadcast(FLOATS, panel[p2 + k]);
            a20 = w2.fma(x0, a20);
            a21 = w2.fma(x1, a21);
            FloatVector w3 = FloatVector.broadcast(FLOATS, panel[p3 + k]);
            a30 = w3.fma(x0, a30);
            a31 = w3.fma(x1, a31);
            FloatVector w4 = FloatVector.broadcast(FLOATS, panel[p4 + k]);
            a40 = w4.fma(x0, a40);
            a41 = w4.fma(x1, a41);
            FloatVector w5 = FloatVector.broadcast(FLOATS, panel[p5 + k]);
            a50 = w5.fma(x0, a50);
            a51 = w5.fma(x1, a51);
            FloatVector w6 = FloatVector.broadcast(FLOATS, panel[p6 + k]);
            a60 = w6.fma(x0, a60);
            a61 = w6.fma(x1, a61);
            FloatVector w7 = FloatVector.broadcast(FLOATS, panel[p7 + k]);
            a70 = w7.fma(x0, a70);
            a71 = w7.fma(x1, a71);
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
        a60.intoArray(acc, accOffset + 6 * lda);
        a61.intoArray(acc, accOffset + 6 * lda + LANES);
        a70.intoArray(acc, accOffset + 7 * lda);
        a71.intoArray(acc, accOffset + 7 * lda + LANES);
    }

    /** 8 panel rows times 1 lane group of the transposed activations. */
    static void rows8x1(float[] panel, int ldp, float[] xt, int xOffset, int ldx, int kc,
            float[] acc, int accOffset, int lda) {
        assert kc <= ldp && panel.length >= 7 * ldp + kc;
        FloatVector a00 = FloatVector.fromArray(FLOATS, acc, accOffset);
        FloatVector a10 = FloatVector.fromArray(FLOATS, acc, accOffset + lda);
        FloatVector a20 = FloatVector.fromArray(FLOATS, acc, accOffset + 2 * lda);
        FloatVector a30 = FloatVector.fromArray(FLOATS, acc, accOffset + 3 * lda);
        FloatVector a40 = FloatVector.fromArray(FLOATS, acc, accOffset + 4 * lda);
        FloatVector a50 = FloatVector.fromArray(FLOATS, acc, accOffset + 5 * lda);
        FloatVector a60 = FloatVector.fromArray(FLOATS, acc, accOffset + 6 * lda);
        FloatVector a70 = FloatVector.fromArray(FLOATS, acc, accOffset + 7 * lda);
        int p1 = ldp, p2 = 2 * ldp, p3 = 3 * ldp, p4 = 4 * ldp, p5 = 5 * ldp, p6 = 6 * ldp, p7 = 7 * ldp;
        for (int k = 0, xk = xOffset; k < kc; k++, xk += ldx) {
            FloatVector x0 = FloatVector.fromArray(FLOATS, xt, xk);
            FloatVector w0 = FloatVector.broadcast(FLOATS, panel[k]);
            a00 = w0.fma(x0, a00);
            FloatVector w1 = FloatVector.broadcast(FLOATS, panel[p1 + k]);
            a10 = w1.fma(x0, a10);
            FloatVector w2 = FloatVector.broadcast(FLOATS, panel[p2 + k]);
            a20 = w2.fma(x0, a20);
            FloatVector w3 = FloatVector.broadcast(FLOATS, panel[p3 + k]);
            a30 = w3.fma(x0, a30);
            FloatVector w4 = FloatVector.broadcast(FLOATS, panel[p4 + k]);
            a40 = w4.fma(x0, a40);
            FloatVector w5 = FloatVector.broadcast(FLOATS, panel[p5 + k]);
            a50 = w5.fma(x0, a50);
            FloatVector w6 = FloatVector.broadcast(FLOATS, panel[p6 + k]);
            a60 = w6.fma(x0, a60);
            FloatVector w7 = FloatVector.broadcast(FLOATS, panel[p7 + k]);
            a70 = w7.fma(x0, a70);
        }
        a00.intoArray(acc, accOffset);
        a10.intoArray(acc, accOffset + lda);
        a20.intoArray(acc, accOffset + 2 * lda);
        a30.intoArray(acc, accOffset + 3 * lda);
        a40.intoArray(acc, accOffset + 4 * lda);
        a50.intoArray(acc, accOffset + 5 * lda);
        a60.intoArray(acc, accOffset + 6 * lda);
        a70.intoArray(acc, accOffset + 7 * lda);
    }
}
