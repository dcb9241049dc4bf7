package io.kvasir.engine.kernel;

/**
 * Plain scalar versions of {@link VectorOps} (same contracts), the reference the vector kernels are tested
 * against. Sums are accumulated in double, so they are at least as accurate as the kernels they check.
 */
public final class ScalarOps {

    private ScalarOps() {
    }

    /** See {@link VectorOps#dot}. */
    public static float dot(float[] a, int aOffset, float[] b, int bOffset, int n) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += (double) a[aOffset + i] * b[bOffset + i];
        }
        return (float) sum;
    }

    /** See {@link VectorOps#axpy}. */
    public static void axpy(float[] out, int outOffset, float a, float[] x, int xOffset, int n) {
        for (int i = 0; i < n; i++) {
            out[outOffset + i] += a * x[xOffset + i];
        }
    }

    /** See {@link VectorOps#scale}. */
    public static void scale(float[] x, int offset, float s, int n) {
        for (int i = 0; i < n; i++) {
            x[offset + i] *= s;
        }
    }

    /** See {@link VectorOps#add(float[], int, float[], int, float[], int, int)}. */
    public static void add(float[] out, int outOffset, float[] a, int aOffset, float[] b, int bOffset, int n) {
        for (int i = 0; i < n; i++) {
            out[outOffset + i] = a[aOffset + i] + b[bOffset + i];
        }
    }

    /** See {@link VectorOps#rmsNorm(float[], int, float[], int, float[], float, int)}. */
    public static void rmsNorm(float[] out, int outOffset, float[] x, int xOffset, float[] weight, float eps, int n) {
        double sumOfSquares = 0;
        for (int i = 0; i < n; i++) {
            sumOfSquares += (double) x[xOffset + i] * x[xOffset + i];
        }
        double inverseRms = 1.0 / Math.sqrt(sumOfSquares / n + eps);
        for (int i = 0; i < n; i++) {
            out[outOffset + i] = (float) (x[xOffset + i] * inverseRms * weight[i]);
        }
    }

    /** See {@link VectorOps#softmax}. */
    public static void softmax(float[] x, int offset, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, x[offset + i]);
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double e = Math.exp(x[offset + i] - max);
            x[offset + i] = (float) e;
            sum += e;
        }
        for (int i = 0; i < n; i++) {
            x[offset + i] = (float) (x[offset + i] / sum);
        }
    }

    /** See {@link VectorOps#silu}. */
    public static void silu(float[] x, int offset, int n) {
        for (int i = 0; i < n; i++) {
            double v = x[offset + i];
            x[offset + i] = (float) (v / (1 + Math.exp(-v)));
        }
    }

    /** See {@link VectorOps#swiglu(float[], int, float[], int, float[], int, int)}. */
    public static void swiglu(float[] out, int outOffset, float[] gate, int gateOffset, float[] up, int upOffset,
            int n) {
        for (int i = 0; i < n; i++) {
            double g = gate[gateOffset + i];
            out[outOffset + i] = (float) (g / (1 + Math.exp(-g)) * up[upOffset + i]);
        }
    }
}
