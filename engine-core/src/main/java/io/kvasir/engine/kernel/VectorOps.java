package io.kvasir.engine.kernel;

import static io.kvasir.engine.kernel.Simd.FLOATS;
import static io.kvasir.engine.kernel.Simd.LANES;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The element-wise and reduction kernels of a Llama layer, vectorised; {@link ScalarOps} holds the
 * scalar references they are tested against. Ranges are trusted: callers pass offsets and lengths inside
 * their arrays (Java's bounds checks still apply). {@code out} may be the same array range as an input
 * where a method says so.
 */
public final class VectorOps {

    private VectorOps() {
    }

    /** {@code sum_i a[aOffset+i] * b[bOffset+i]} for {@code i < n}. */
    public static float dot(float[] a, int aOffset, float[] b, int bOffset, int n) {
        FloatVector acc0 = FloatVector.zero(FLOATS);
        FloatVector acc1 = FloatVector.zero(FLOATS);
        int i = 0;
        for (int bound = n - 2 * LANES; i <= bound; i += 2 * LANES) {
            acc0 = FloatVector.fromArray(FLOATS, a, aOffset + i)
                    .fma(FloatVector.fromArray(FLOATS, b, bOffset + i), acc0);
            acc1 = FloatVector.fromArray(FLOATS, a, aOffset + i + LANES)
                    .fma(FloatVector.fromArray(FLOATS, b, bOffset + i + LANES), acc1);
        }
        if (i <= n - LANES) {
            acc0 = FloatVector.fromArray(FLOATS, a, aOffset + i)
                    .fma(FloatVector.fromArray(FLOATS, b, bOffset + i), acc0);
            i += LANES;
        }
        float sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            sum += a[aOffset + i] * b[bOffset + i];
        }
        return sum;
    }

    /** {@code out[outOffset+i] += a * x[xOffset+i]} for {@code i < n}. */
    public static void axpy(float[] out, int outOffset, float a, float[] x, int xOffset, int n) {
        FloatVector va = FloatVector.broadcast(FLOATS, a);
        int i = 0;
        for (int bound = FLOATS.loopBound(n); i < bound; i += LANES) {
            FloatVector.fromArray(FLOATS, x, xOffset + i)
                    .fma(va, FloatVector.fromArray(FLOATS, out, outOffset + i))
                    .intoArray(out, outOffset + i);
        }
        for (; i < n; i++) {
            out[outOffset + i] += a * x[xOffset + i];
        }
    }

    /** {@code x[offset+i] *= s} for {@code i < n}. */
    public static void scale(float[] x, int offset, float s, int n) {
        int i = 0;
        for (int bound = FLOATS.loopBound(n); i < bound; i += LANES) {
            FloatVector.fromArray(FLOATS, x, offset + i).mul(s).intoArray(x, offset + i);
        }
        for (; i < n; i++) {
            x[offset + i] *= s;
        }
    }

    /** {@code out[outOffset+i] = a[aOffset+i] + b[bOffset+i]} for {@code i < n}; {@code out} may alias an input. */
    public static void add(float[] out, int outOffset, float[] a, int aOffset, float[] b, int bOffset, int n) {
        int i = 0;
        for (int bound = FLOATS.loopBound(n); i < bound; i += LANES) {
            FloatVector.fromArray(FLOATS, a, aOffset + i)
                    .add(FloatVector.fromArray(FLOATS, b, bOffset + i))
                    .intoArray(out, outOffset + i);
        }
        for (; i < n; i++) {
            out[outOffset + i] = a[aOffset + i] + b[bOffset + i];
        }
    }

    /** {@code out[i] = a[i] + b[i]} for {@code i < n}. */
    public static void add(float[] out, float[] a, float[] b, int n) {
        add(out, 0, a, 0, b, 0, n);
    }

    /**
     * RMS normalisation: {@code out[i] = x[i] * weight[i] / sqrt(mean(x^2) + eps)} over {@code n} elements
     * starting at the offsets ({@code weight} from 0); {@code out} may alias {@code x}.
     */
    public static void rmsNorm(float[] out, int outOffset, float[] x, int xOffset, float[] weight, float eps, int n) {
        float inverseRms = (float) (1.0 / Math.sqrt(dot(x, xOffset, x, xOffset, n) / n + eps));
        int i = 0;
        for (int bound = FLOATS.loopBound(n); i < bound; i += LANES) {
            FloatVector.fromArray(FLOATS, x, xOffset + i).mul(inverseRms)
                    .mul(FloatVector.fromArray(FLOATS, weight, i))
                    .intoArray(out, outOffset + i);
        }
        for (; i < n; i++) {
            out[outOffset + i] = x[xOffset + i] * inverseRms * weight[i];
        }
    }

    /** {@link #rmsNorm(float[], int, float[], int, float[], float, int)} with offsets 0. */
    public static void rmsNorm(float[] out, float[] x, float[] weight, float eps, int n) {
        rmsNorm(out, 0, x, 0, weight, eps, n);
    }

    /** In-place softmax of {@code x[offset..offset+n)}, stabilised by subtracting the maximum. */
    public static void softmax(float[] x, int offset, int n) {
        if (n <= 0) {
            return;
        }
        int bound = FLOATS.loopBound(n);
        FloatVector maxV = FloatVector.broadcast(FLOATS, Float.NEGATIVE_INFINITY);
        int i = 0;
        for (; i < bound; i += LANES) {
            maxV = maxV.max(FloatVector.fromArray(FLOATS, x, offset + i));
        }
        float max = maxV.reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) {
            max = Math.max(max, x[offset + i]);
        }
        // Scalar exp: Math.exp is an intrinsic, while the vector EXP fell back to an allocating Java loop in
        // the attention kernel (seen in JFR allocation profiles), costing far more than it saved.
        float sum = 0f;
        for (i = 0; i < n; i++) {
            float e = (float) Math.exp(x[offset + i] - max);
            x[offset + i] = e;
            sum += e;
        }
        scale(x, offset, 1f / sum, n);
    }

    /** In-place SiLU: {@code x = x / (1 + exp(-x))}. */
    public static void silu(float[] x, int offset, int n) {
        int i = 0;
        for (int bound = FLOATS.loopBound(n); i < bound; i += LANES) {
            FloatVector v = FloatVector.fromArray(FLOATS, x, offset + i);
            v.div(v.neg().lanewise(VectorOperators.EXP).add(1f)).intoArray(x, offset + i);
        }
        for (; i < n; i++) {
            float v = x[offset + i];
            x[offset + i] = v / (1f + (float) Math.exp(-v));
        }
    }

    /**
     * SwiGLU: {@code out[i] = silu(gate[i]) * up[i]} for {@code i < n}; {@code out} may alias {@code gate}
     * or {@code up}.
     */
    public static void swiglu(float[] out, int outOffset, float[] gate, int gateOffset, float[] up, int upOffset,
            int n) {
        int i = 0;
        for (int bound = FLOATS.loopBound(n); i < bound; i += LANES) {
            FloatVector g = FloatVector.fromArray(FLOATS, gate, gateOffset + i);
            g.div(g.neg().lanewise(VectorOperators.EXP).add(1f))
                    .mul(FloatVector.fromArray(FLOATS, up, upOffset + i))
                    .intoArray(out, outOffset + i);
        }
        for (; i < n; i++) {
            float g = gate[gateOffset + i];
            out[outOffset + i] = g / (1f + (float) Math.exp(-g)) * up[upOffset + i];
        }
    }

    /** {@link #swiglu(float[], int, float[], int, float[], int, int)} with offsets 0. */
    public static void swiglu(float[] out, float[] gate, float[] up, int n) {
        swiglu(out, 0, gate, 0, up, 0, n);
    }
}
