package io.kvasir.engine.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;

import org.junit.jupiter.api.Test;

/** Every vector kernel against its scalar reference, over lengths around the vector and block sizes. */
class SoftmaxKernelsTest {

    private static final int[] LENGTHS = {1, 2, 7, 15, 16, 17, 31, 33, 64, 100, 1023, 1024, 1025, 2048, 2049, 5000};

    private static float[] randomRow(Random random, int length, boolean withSpecials) {
        float[] a = new float[length];
        for (int i = 0; i < length; i++) {
            a[i] = (float) (random.nextGaussian() * 4);
            if (withSpecials && random.nextInt(25) == 0) {
                a[i] = random.nextBoolean() ? Float.NaN : Float.NEGATIVE_INFINITY;
            }
        }
        return a;
    }

    @Test
    void maxAndArgmaxEqualTheScalarReference() {
        Random random = new Random(51);
        int numChecked = 0;
        for (int length : LENGTHS) {
            for (int trial = 0; trial < 20; trial++) {
                float[] a = randomRow(random, length + 5, trial % 2 == 0);
                if (trial % 5 == 0) {
                    a[2 + random.nextInt(length)] = 50f;
                    a[2 + random.nextInt(length)] = 50f;
                }
                assertThat(SoftmaxKernels.max(a, 2, length)).isEqualTo(SoftmaxKernels.maxScalar(a, 2, length));
                assertThat(SoftmaxKernels.argmax(a, 2, length)).isEqualTo(SoftmaxKernels.argmaxScalar(a, 2, length));
                numChecked++;
            }
        }
        assertThat(numChecked).isEqualTo(LENGTHS.length * 20);
    }

    @Test
    void maxAndArgmaxHandleRowsWithoutAnyFiniteValue() {
        float[] masked = new float[40];
        java.util.Arrays.fill(masked, Float.NEGATIVE_INFINITY);
        masked[33] = Float.NaN;
        assertThat(SoftmaxKernels.max(masked, 0, 40)).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(SoftmaxKernels.argmax(masked, 0, 40)).isZero();
    }

    @Test
    void sumsOfExponentialsMatchTheScalarReference() {
        Random random = new Random(52);
        for (int length : LENGTHS) {
            for (int trial = 0; trial < 10; trial++) {
                float[] a = randomRow(random, length + 3, trial % 2 == 0);
                float max = SoftmaxKernels.maxScalar(a, 3, length);
                if (max == Float.NEGATIVE_INFINITY) {
                    continue;
                }
                float scale = trial % 3 == 0 ? 1f : 0.5f + 2 * random.nextFloat();
                double expected = SoftmaxKernels.expIntoScalar(a, 3, length, max, scale, new float[length]);
                assertThat(SoftmaxKernels.sumExp(a, 3, length, max))
                        .isCloseTo(SoftmaxKernels.sumExpScalar(a, 3, length, max), within(1e-5 * length));

                float[] weights = new float[length];
                float[] expectedWeights = new float[length];
                SoftmaxKernels.expIntoScalar(a, 3, length, max, scale, expectedWeights);
                double[] blockSums = new double[SoftmaxKernels.numBlocks(length)];
                double total = SoftmaxKernels.expInto(a, 3, length, max, scale, weights, blockSums);
                assertThat(total).isCloseTo(expected, within(1e-5 * Math.max(1, expected)));
                double sumOfBlocks = 0;
                for (double blockSum : blockSums) {
                    sumOfBlocks += blockSum;
                }
                assertThat(sumOfBlocks).isEqualTo(total);
                for (int i = 0; i < length; i++) {
                    assertThat(weights[i]).as("weight %d of %d", i, length)
                            .isCloseTo(expectedWeights[i], within(1e-6f * Math.max(1e-30f, expectedWeights[i])));
                }
            }
        }
    }

    @Test
    void expIntoMayOverwriteItsInput() {
        Random random = new Random(53);
        float[] a = randomRow(random, 3000, false);
        float[] copy = a.clone();
        float max = SoftmaxKernels.maxScalar(a, 0, 3000);
        float[] separate = new float[3000];
        double[] blockSums = new double[SoftmaxKernels.numBlocks(3000)];
        double expected = SoftmaxKernels.expInto(copy, 0, 3000, max, 1.3f, separate, blockSums);
        assertThat(SoftmaxKernels.expInto(a, 0, 3000, max, 1.3f, a, blockSums)).isEqualTo(expected);
        assertThat(a).isEqualTo(separate);
    }

    @Test
    void pickFindsThePositionWhoseCumulativeRangeHoldsTheTarget() {
        Random random = new Random(54);
        for (int length : LENGTHS) {
            float[] a = randomRow(random, length, true);
            float max = SoftmaxKernels.maxScalar(a, 0, length);
            if (max == Float.NEGATIVE_INFINITY) {
                continue;
            }
            float[] weights = new float[length];
            double[] blockSums = new double[SoftmaxKernels.numBlocks(length)];
            double total = SoftmaxKernels.expInto(a, 0, length, max, 1f, weights, blockSums);
            for (int trial = 0; trial < 200; trial++) {
                double target = random.nextDouble() * total;
                int picked = SoftmaxKernels.pick(weights, length, blockSums, target);
                double before = 0;
                for (int i = 0; i < picked; i++) {
                    before += weights[i];
                }
                assertThat(weights[picked]).isPositive();
                assertThat(before).isLessThanOrEqualTo(target + 1e-9 * total);
                assertThat(before + weights[picked]).isGreaterThan(target - 1e-9 * total);
            }
            assertThat(weights[SoftmaxKernels.pick(weights, length, blockSums, Math.nextDown(total))]).isPositive();
        }
    }
}
