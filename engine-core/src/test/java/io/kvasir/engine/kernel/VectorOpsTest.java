package io.kvasir.engine.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;

import org.junit.jupiter.api.Test;

/** Each vector kernel against its scalar reference, over lengths around the vector width and offsets. */
class VectorOpsTest {

    private static final int MAX_N = 70;

    private static float[] random(Random random, int n, float scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextGaussian() * scale;
        }
        return v;
    }

    private static void assertClose(float[] actual, float[] expected, float relative, String what) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i]).as("%s [%d]", what, i)
                    .isCloseTo(expected[i], within(Math.abs(expected[i]) * relative + 1e-6f));
        }
    }

    @Test
    void dotMatchesReference() {
        Random random = new Random(1);
        int numChecked = 0;
        for (int n = 0; n <= MAX_N; n++) {
            float[] a = random(random, n + 3, 1);
            float[] b = random(random, n + 5, 1);
            double magnitude = 0;
            for (int i = 0; i < n; i++) {
                magnitude += Math.abs(a[3 + i] * b[5 + i]);
            }
            assertThat(VectorOps.dot(a, 3, b, 5, n)).as("n %d", n)
                    .isCloseTo(ScalarOps.dot(a, 3, b, 5, n), within((float) magnitude * 1e-6f + 1e-6f));
            numChecked++;
        }
        assertThat(numChecked).isEqualTo(MAX_N + 1);
    }

    @Test
    void elementwiseKernelsMatchReference() {
        Random random = new Random(2);
        int numChecked = 0;
        for (int n = 0; n <= MAX_N; n++) {
            float[] x = random(random, n + 2, 3);
            float[] y = random(random, n + 1, 3);
            float[] outVector = random(random, n + 4, 1);
            float[] outScalar = outVector.clone();
            VectorOps.axpy(outVector, 4, 0.7f, x, 2, n);
            ScalarOps.axpy(outScalar, 4, 0.7f, x, 2, n);
            assertClose(outVector, outScalar, 1e-6f, "axpy n=" + n);

            VectorOps.add(outVector, 1, x, 2, y, 1, n);
            ScalarOps.add(outScalar, 1, x, 2, y, 1, n);
            assertClose(outVector, outScalar, 0, "add n=" + n);

            VectorOps.scale(outVector, 2, -1.5f, n);
            ScalarOps.scale(outScalar, 2, -1.5f, n);
            assertClose(outVector, outScalar, 0, "scale n=" + n);

            float[] siluVector = x.clone();
            float[] siluScalar = x.clone();
            VectorOps.silu(siluVector, 2, n);
            ScalarOps.silu(siluScalar, 2, n);
            assertClose(siluVector, siluScalar, 2e-6f, "silu n=" + n);

            float[] gluVector = new float[n + 3];
            float[] gluScalar = new float[n + 3];
            VectorOps.swiglu(gluVector, 3, x, 2, y, 1, n);
            ScalarOps.swiglu(gluScalar, 3, x, 2, y, 1, n);
            assertClose(gluVector, gluScalar, 2e-6f, "swiglu n=" + n);
            numChecked++;
        }
        assertThat(numChecked).isEqualTo(MAX_N + 1);
    }

    @Test
    void rmsNormMatchesReferenceAndMayWorkInPlace() {
        Random random = new Random(3);
        for (int n = 1; n <= MAX_N; n++) {
            float[] x = random(random, n + 1, 4);
            float[] weight = random(random, n, 1);
            float[] expected = new float[n];
            ScalarOps.rmsNorm(expected, 0, x, 1, weight, 1e-5f, n);
            float[] actual = new float[n];
            VectorOps.rmsNorm(actual, x.clone(), weight, 1e-5f, 0);
            VectorOps.rmsNorm(actual, 0, x, 1, weight, 1e-5f, n);
            assertClose(actual, expected, 2e-6f, "rmsNorm n=" + n);
            VectorOps.rmsNorm(x, 1, x, 1, weight, 1e-5f, n);
            float[] inPlace = new float[n];
            System.arraycopy(x, 1, inPlace, 0, n);
            assertClose(inPlace, expected, 2e-6f, "in-place rmsNorm n=" + n);
        }
    }

    @Test
    void softmaxMatchesReferenceAndSumsToOne() {
        Random random = new Random(4);
        for (int n = 1; n <= MAX_N; n++) {
            float[] x = random(random, n + 2, 10);
            x[2 + random.nextInt(n)] = 80;
            float[] expected = x.clone();
            ScalarOps.softmax(expected, 2, n);
            float[] actual = x.clone();
            VectorOps.softmax(actual, 2, n);
            assertClose(actual, expected, 1e-5f, "softmax n=" + n);
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += actual[2 + i];
            }
            assertThat(sum).isCloseTo(1.0, within(1e-5));
            assertThat(actual[0]).isEqualTo(x[0]);
            assertThat(actual[1]).isEqualTo(x[1]);
        }
    }

    @Test
    void softmaxHandlesMaskedEntries() {
        float[] x = {Float.NEGATIVE_INFINITY, 1, Float.NEGATIVE_INFINITY, 1};
        VectorOps.softmax(x, 0, 4);
        assertThat(x).containsExactly(0f, 0.5f, 0f, 0.5f);
    }
}
