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
    void topPKeepsTheSmallestBestFirstSetReachingTheMassInIdOrder() {
        Random random = new Random(12);
        int numCutShort = 0;
        for (int trial = 0; trial < 600; trial++) {
            int vocabSize = 1 + random.nextInt(trial < 300 ? 80 : 5000);
            double sigma = 0.2 + 4 * random.nextDouble();
            float[] logits = new float[vocabSize + 3];
            for (int i = 0; i < logits.length; i++) {
                logits[i] = (float) (random.nextGaussian() * sigma);
                if (random.nextInt(10) == 0) {
                    logits[i] = Math.round(logits[i]);
                }
            }
            double topP = 0.05 + 0.9 * random.nextDouble();
            int kept = selectTopP(logits, 3, vocabSize, topP);
            int[] expected = nucleusByFullSort(Arrays.copyOfRange(logits, 3, 3 + vocabSize), topP);
            assertThat(Arrays.copyOf(ids, kept)).as("trial %d", trial).containsExactly(expected);
            for (int i = 0; i < kept; i++) {
                assertThat(values[i]).isEqualTo(logits[3 + ids[i]]);
            }
            if (kept < vocabSize / 2) {
                numCutShort++;
            }
        }
        assertThat(numCutShort).as("cases where the nucleus is a small part of the vocabulary").isGreaterThan(100);
    }

    @Test
    void topPOverAFlatDistributionKeepsTheLowestIds() {
        float[] logits = new float[10_000];
        assertThat(selectTopP(logits, 0, 10_000, 0.25)).isEqualTo(2_500);
        assertThat(Arrays.copyOf(ids, 2_500)).isEqualTo(IntStream.range(0, 2_500).toArray());
    }

    @Test
    void topPIgnoresNaNAndMaskedTokens() {
        float[] logits = {Float.NaN, 1f, Float.NEGATIVE_INFINITY, 1f, Float.NaN};
        assertThat(selectTopP(logits, 0, 5, 0.999)).isEqualTo(2);
        assertThat(Arrays.copyOf(ids, 2)).containsExactly(1, 3);
    }

    private int[] ids;
    private float[] values;

    private int selectTopP(float[] logits, int offset, int vocabSize, double topP) {
        ids = new int[vocabSize];
        values = new float[vocabSize];
        return CandidateSelection.selectTopP(logits, offset, vocabSize, topP, ids, values, new float[vocabSize],
                new double[SoftmaxKernels.numBlocks(vocabSize)], new double[CandidateSelection.NUM_TOP_P_BUCKETS]);
    }

    /** The documented nucleus: the best-first prefix whose cumulative weight reaches topP, as sorted ids. */
    private static int[] nucleusByFullSort(float[] row, double topP) {
        int[] ranked = rankByFullSort(row);
        float max = row[ranked[0]];
        double target = topP * SoftmaxKernels.sumExp(row, 0, row.length, max);
        float[] rankedValues = new float[row.length];
        for (int i = 0; i < row.length; i++) {
            rankedValues[i] = row[ranked[i]];
        }
        float[] weights = new float[row.length];
        SoftmaxKernels.expInto(rankedValues, 0, row.length, max, 1f, weights,
                new double[SoftmaxKernels.numBlocks(row.length)]);
        double cumulative = 0;
        int kept = row.length;
        for (int i = 0; i < row.length; i++) {
            cumulative += weights[i];
            if (cumulative >= target) {
                kept = i + 1;
                break;
            }
        }
        int[] nucleus = Arrays.copyOf(ranked, kept);
        Arrays.sort(nucleus);
        return nucleus;
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
    void minPFilterKeepsTokensExactlyAtTheThreshold() {
        float[] logits = new float[40];
        Arrays.fill(logits, -10f);
        logits[3] = 1f;
        logits[37] = 1f + (float) Math.log(0.25);
        int[] ids = new int[40];
        float[] values = new float[40];
        int kept = CandidateSelection.filterMinP(logits, 0, 40, (float) Math.log(0.25), ids, values);
        assertThat(Arrays.copyOf(ids, kept)).containsExactly(3, 37);
    }

    @Test
    void retainMinPKeepsOrderAndTheMaximum() {
        int[] candidateIds = {7, 2, 9, 4};
        float[] candidateValues = {0f, 3f, 3f + (float) Math.log(0.5), -1f};
        int kept = CandidateSelection.retainMinP(candidateIds, candidateValues, 4, (float) Math.log(0.4));
        assertThat(Arrays.copyOf(candidateIds, kept)).containsExactly(2, 9);
    }

    @Test
    void sortedTruncationsKeepAPrefix() {
        float[] sorted = {2f, 1f, 0f, -1f, -5f};
        float[] weights = new float[5];
        double[] blockSums = new double[1];
        assertThat(CandidateSelection.truncateSortedTopP(sorted, 5, 0.5, weights, blockSums)).isEqualTo(1);
        assertThat(CandidateSelection.truncateSortedTopP(sorted, 5, 0.8, weights, blockSums)).isEqualTo(2);
        assertThat(CandidateSelection.truncateSortedMinP(sorted, 5, (float) Math.log(0.3))).isEqualTo(2);
        assertThat(CandidateSelection.truncateSortedMinP(sorted, 5, (float) Math.log(0.001))).isEqualTo(4);
    }
}
