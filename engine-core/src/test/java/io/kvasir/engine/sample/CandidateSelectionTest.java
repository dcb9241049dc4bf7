package io.kvasir.engine.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class CandidateSelectionTest {

    /** Ids best first by a full sort: higher logit first, lower id first on ties, NaN last. */
    private static int[] rankByFullSort(float[] logits) {
        return IntStream.range(0, logits.length).boxed()
                .sorted(Comparator.<Integer>comparingDouble(i -> -CandidateSelection.sanitize(logits[i]))
                        .thenComparingInt(i -> i))
                .mapToInt(Integer::intValue).toArray();
    }

    /** Logits drawn from a few values, so that ties are common. */
    private static float[] tiedLogits(Random random, int vocabSize) {
        float[] levels = {-3f, -1f, 0f, 0.5f, 2f, Float.NEGATIVE_INFINITY, Float.NaN};
        float[] logits = new float[vocabSize];
        for (int i = 0; i < vocabSize; i++) {
            logits[i] = levels[random.nextInt(levels.length)];
        }
        return logits;
    }

    @Test
    void topKEqualsThePrefixOfAFullSortIncludingTies() {
        Random random = new Random(11);
        int numChecked = 0;
        for (int trial = 0; trial < 300; trial++) {
            int vocabSize = 1 + random.nextInt(60);
            float[] logits = tiedLogits(random, vocabSize);
            int k = 1 + random.nextInt(vocabSize);
            int[] ids = new int[vocabSize];
            float[] values = new float[vocabSize];
            CandidateSelection.selectTopK(logits, 0, vocabSize, k, ids, values);
            int[] expected = Arrays.copyOf(rankByFullSort(logits), k);
            assertThat(Arrays.copyOf(ids, k)).as("trial %d", trial).containsExactly(expected);
            for (int i = 0; i < k; i++) {
                assertThat(values[i]).isEqualTo(CandidateSelection.sanitize(logits[ids[i]]));
            }
            numChecked++;
        }
        assertThat(numChecked).isEqualTo(300);
    }

    @Test
    void topPKeepsTheSmallestPrefixReachingTheMass() {
        Random random = new Random(12);
        for (int trial = 0; trial < 300; trial++) {
            int vocabSize = 1 + random.nextInt(80);
            float[] logits = new float[vocabSize + 3];
            for (int i = 0; i < logits.length; i++) {
                logits[i] = (float) (random.nextGaussian() * 3);
            }
            double topP = 0.05 + 0.9 * random.nextDouble();
            int[] ids = new int[vocabSize];
            float[] values = new float[vocabSize];
            int kept = CandidateSelection.selectTopP(logits, 3, vocabSize, topP, ids, values);

            float[] row = Arrays.copyOfRange(logits, 3, 3 + vocabSize);
            int[] ranked = rankByFullSort(row);
            double[] probabilities = softmax(row);
            double cumulative = 0;
            int expectedKept = vocabSize;
            for (int i = 0; i < vocabSize; i++) {
                cumulative += probabilities[ranked[i]];
                if (cumulative >= topP) {
                    expectedKept = i + 1;
                    break;
                }
            }
            assertThat(kept).as("trial %d", trial).isEqualTo(expectedKept);
            assertThat(Arrays.copyOf(ids, kept)).containsExactly(Arrays.copyOf(ranked, kept));
        }
    }

    @Test
    void minPFilterKeepsTokensNearTheMaximumInIdOrder() {
        float[] logits = {0f, 2f, (float) Math.log(0.5) + 2f, -5f, 2f, Float.NaN};
        int[] ids = new int[6];
        float[] values = new float[6];
        int kept = CandidateSelection.filterMinP(logits, 0, 6, (float) Math.log(0.4), ids, values);
        assertThat(Arrays.copyOf(ids, kept)).containsExactly(1, 2, 4);
    }

    @Test
    void argmaxPrefersTheLowestIdAndSkipsNaN() {
        assertThat(CandidateSelection.argmax(new float[] {Float.NaN, 1f, 3f, 3f}, 0, 4)).isEqualTo(2);
        assertThat(CandidateSelection.argmax(new float[] {Float.NaN, Float.NaN}, 0, 2)).isZero();
        assertThat(CandidateSelection.argmax(new float[] {9f, 1f, 2f}, 1, 2)).isEqualTo(1);
    }

    private static double[] softmax(float[] logits) {
        float max = CandidateSelection.max(logits, 0, logits.length);
        double sum = CandidateSelection.sumExp(logits, 0, logits.length, max);
        double[] p = new double[logits.length];
        for (int i = 0; i < logits.length; i++) {
            p[i] = (float) Math.exp(logits[i] - max) / sum;
        }
        return p;
    }
}
