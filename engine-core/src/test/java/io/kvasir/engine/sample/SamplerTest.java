package io.kvasir.engine.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;

import io.kvasir.api.SamplingParams;

import org.junit.jupiter.api.Test;

class SamplerTest {

    private static SamplingParams.Builder seeded(long seed) {
        return SamplingParams.builder().seed(seed);
    }

    private static float[] randomLogits(Random random, int vocabSize) {
        float[] logits = new float[vocabSize];
        for (int i = 0; i < vocabSize; i++) {
            logits[i] = (float) (random.nextGaussian() * 2);
        }
        return logits;
    }

    @Test
    void greedyPicksTheArgmax() {
        Sampler sampler = new Sampler(SamplingParams.builder().temperature(0).build(), 5);
        assertThat(sampler.sample(new float[] {0.1f, 3f, -2f, 2.9f, 1f}, 0, 5)).isEqualTo(1);
    }

    @Test
    void greedyBreaksTiesTowardTheLowestId() {
        Sampler sampler = new Sampler(SamplingParams.builder().temperature(0).build(), 4);
        assertThat(sampler.sample(new float[] {1f, 5f, 2f, 5f}, 0, 4)).isEqualTo(1);
    }

    @Test
    void greedyIgnoresTheSeedAndTruncation() {
        float[] logits = randomLogits(new Random(1), 100);
        int argmax = SoftmaxKernels.argmaxScalar(logits, 0, 100);
        for (long seed = 0; seed < 5; seed++) {
            Sampler sampler = new Sampler(seeded(seed).temperature(0).topK(5).topP(0.3).minP(0.2).build(), 100);
            assertThat(sampler.sample(logits, 0, 100)).isEqualTo(argmax);
        }
    }

    @Test
    void topKOfOneMatchesGreedyAtAnyTemperature() {
        Random random = new Random(2);
        Sampler topOne = new Sampler(seeded(9).temperature(2).topK(1).build(), 300);
        for (int i = 0; i < 200; i++) {
            float[] logits = randomLogits(random, 300);
            logits[random.nextInt(300)] = logits[SoftmaxKernels.argmaxScalar(logits, 0, 300)];
            assertThat(topOne.sample(logits, 0, 300)).isEqualTo(SoftmaxKernels.argmaxScalar(logits, 0, 300));
        }
    }

    @Test
    void theSameSeedGivesTheSameTokens() {
        SamplingParams params = seeded(1234).temperature(0.8).topK(50).topP(0.95).build();
        Sampler a = new Sampler(params, 500);
        Sampler b = new Sampler(params, 500);
        Random random = new Random(3);
        for (int i = 0; i < 500; i++) {
            float[] logits = randomLogits(random, 500);
            int token = a.sample(logits, 0, 500);
            assertThat(b.sample(logits, 0, 500)).isEqualTo(token);
            a.accept(token);
            b.accept(token);
        }
    }

    @Test
    void differentSeedsGiveDifferentTokens() {
        float[] logits = new float[1000];
        int[] first = drawMany(new Sampler(seeded(1).build(), 1000), logits, 50);
        int[] second = drawMany(new Sampler(seeded(2).build(), 1000), logits, 50);
        assertThat(first).isNotEqualTo(second);
    }

    @Test
    void aMissingSeedIsDrawnAndReported() {
        Sampler sampler = new Sampler(SamplingParams.defaults(), 10);
        Sampler replay = new Sampler(seeded(sampler.seed()).build(), 10);
        float[] logits = new float[10];
        assertThat(drawMany(replay, logits, 30)).isEqualTo(drawMany(sampler, logits, 30));
        assertThat(new Sampler(seeded(77).build(), 10).seed()).isEqualTo(77);
    }

    @Test
    void readsTheRowAtTheOffsetAndLeavesTheLogitsUnchanged() {
        float[] logits = {9f, 9f, 0f, 0f, 5f, 0f, 9f};
        float[] before = logits.clone();
        Sampler sampler = new Sampler(SamplingParams.builder().temperature(0).repetitionPenalty(1.5)
                .presencePenalty(1).build(), 4);
        sampler.accept(0);
        assertThat(sampler.sample(logits, 2, 4)).isEqualTo(2);
        assertThat(logits).isEqualTo(before);
    }

    @Test
    void repetitionPenaltyDividesPositiveAndMultipliesNegativeLogits() {
        SamplingParams params = SamplingParams.builder().temperature(0).repetitionPenalty(1.2).build();
        Sampler positive = new Sampler(params, 3);
        positive.accept(0);
        assertThat(positive.sample(new float[] {2.0f, 1.8f, 0f}, 0, 3)).isEqualTo(1);
        assertThat(positive.sample(new float[] {2.0f, 1.6f, 0f}, 0, 3)).isZero();

        Sampler negative = new Sampler(params, 3);
        negative.accept(0);
        assertThat(negative.sample(new float[] {-1.0f, -1.1f, -5f}, 0, 3)).isEqualTo(1);
    }

    @Test
    void repetitionPenaltyAppliesOncePerTokenInTheWindowOnly() {
        Sampler sampler = new Sampler(SamplingParams.builder().temperature(0).repetitionPenalty(1.2)
                .penaltyLastN(3).build(), 4);
        for (int i = 0; i < 5; i++) {
            sampler.accept(0);
        }
        // Once: 2.0 / 1.2 = 1.67 beats 1.6; five times would not.
        assertThat(sampler.sample(new float[] {2.0f, 1.6f, 0f, 0f}, 0, 4)).isZero();
        assertThat(sampler.sample(new float[] {2.0f, 1.7f, 0f, 0f}, 0, 4)).isEqualTo(1);
        sampler.accept(2);
        sampler.accept(2);
        sampler.accept(3);
        assertThat(sampler.sample(new float[] {2.0f, 1.7f, 0f, 0f}, 0, 4)).as("token 0 left the window").isZero();
    }

    @Test
    void repetitionPenaltyCountsThePromptButOpenAiPenaltiesDoNot() {
        float[] logits = {2.0f, 1.8f, 0f};
        Sampler repetition = new Sampler(SamplingParams.builder().temperature(0).repetitionPenalty(1.2).build(), 3);
        repetition.acceptPrompt(new int[] {2, 0, 2}, 0, 3);
        assertThat(repetition.sample(logits, 0, 3)).isEqualTo(1);

        Sampler presence = new Sampler(SamplingParams.builder().temperature(0).presencePenalty(1).build(), 3);
        presence.acceptPrompt(new int[] {2, 0, 2}, 0, 3);
        assertThat(presence.sample(logits, 0, 3)).isZero();
    }

    @Test
    void frequencyPenaltyGrowsWithEachOccurrenceWhilePresencePenaltyDoesNot() {
        float[] logits = {2.0f, 1.0f, 0f};
        Sampler frequency = new Sampler(SamplingParams.builder().temperature(0).frequencyPenalty(0.4).build(), 3);
        Sampler presence = new Sampler(SamplingParams.builder().temperature(0).presencePenalty(0.4).build(), 3);
        for (int i = 0; i < 2; i++) {
            frequency.accept(0);
            presence.accept(0);
        }
        assertThat(frequency.sample(logits, 0, 3)).as("2.0 - 2 * 0.4 = 1.2").isZero();
        assertThat(presence.sample(logits, 0, 3)).isZero();
        frequency.accept(0);
        presence.accept(0);
        assertThat(frequency.sample(logits, 0, 3)).as("2.0 - 3 * 0.4 = 0.8").isEqualTo(1);
        assertThat(presence.sample(logits, 0, 3)).as("2.0 - 0.4 = 1.6").isZero();
    }

    @Test
    void negativePresencePenaltyFavoursSeenTokens() {
        Sampler sampler = new Sampler(SamplingParams.builder().temperature(0).presencePenalty(-1).build(), 3);
        sampler.accept(2);
        assertThat(sampler.sample(new float[] {1f, 0.5f, 0.2f}, 0, 3)).isEqualTo(2);
    }

    @Test
    void topPNeverDrawsOutsideTheNucleus() {
        float[] logits = logsOf(0.5, 0.3, 0.1, 0.05, 0.05);
        int[] counts = histogram(new Sampler(seeded(5).topP(0.75).build(), 5), logits, 20_000);
        assertThat(counts[2]).isZero();
        assertThat(counts[3]).isZero();
        assertThat(counts[4]).isZero();
        assertThat(chiSquare(counts, 0.5 / 0.8, 0.3 / 0.8, 0, 0, 0)).isLessThan(20);
    }

    @Test
    void minPNeverDrawsTokensBelowTheFloor() {
        float[] logits = logsOf(0.4, 0.25, 0.15, 0.1, 0.06, 0.04);
        int[] counts = histogram(new Sampler(seeded(6).minP(0.3).build(), 6), logits, 20_000);
        assertThat(counts[3]).isZero();
        assertThat(counts[4]).isZero();
        assertThat(counts[5]).isZero();
        assertThat(chiSquare(counts, 0.4 / 0.8, 0.25 / 0.8, 0.15 / 0.8, 0, 0, 0)).isLessThan(20);
    }

    @Test
    void topKKeepsOnlyTheKMostLikely() {
        float[] logits = logsOf(0.1, 0.4, 0.05, 0.3, 0.15);
        int[] counts = histogram(new Sampler(seeded(7).topK(2).build(), 5), logits, 20_000);
        assertThat(chiSquare(counts, 0, 0.4 / 0.7, 0, 0.3 / 0.7, 0)).isLessThan(20);
    }

    @Test
    void temperatureOneFollowsTheSoftmax() {
        double[] p = {0.3, 0.2, 0.15, 0.12, 0.1, 0.07, 0.04, 0.02};
        int[] counts = histogram(new Sampler(seeded(8).build(), 8), logsOf(p), 100_000);
        // 7 degrees of freedom: the 99.9% quantile is 24.3.
        assertThat(chiSquare(counts, p)).isLessThan(30);
    }

    @Test
    void temperatureHalfSquaresTheProbabilities() {
        double[] p = {0.4, 0.3, 0.2, 0.1};
        double norm = 0.16 + 0.09 + 0.04 + 0.01;
        int[] counts = histogram(new Sampler(seeded(9).temperature(0.5).build(), 4), logsOf(p), 50_000);
        assertThat(chiSquare(counts, 0.16 / norm, 0.09 / norm, 0.04 / norm, 0.01 / norm)).isLessThan(20);
        assertThat(chiSquare(counts, p)).as("differs from temperature 1").isGreaterThan(1000);
    }

    @Test
    void topPIsAppliedBeforeTemperature() {
        // At temperature 1 the nucleus for 0.6 is tokens {0, 1}; a high temperature must not widen it.
        float[] logits = logsOf(0.5, 0.2, 0.15, 0.15);
        int[] counts = histogram(new Sampler(seeded(10).topP(0.6).temperature(2).build(), 4), logits, 10_000);
        assertThat(counts[2] + counts[3]).isZero();
        assertThat(counts[1]).isPositive();
    }

    @Test
    void logprobsAreTheRawLogSoftmaxWithSortedAlternatives() {
        float[] logits = {1f, 3f, 2f, 0f, 3f};
        Sampler sampler = new Sampler(seeded(11).temperature(0.3).repetitionPenalty(1.5).logprobs(true)
                .topLogprobs(3).build(), 5);
        sampler.accept(1);
        int token = sampler.sample(logits, 0, 5);
        double logSumExp = Math.log(Math.exp(1) + Math.exp(3) + Math.exp(2) + Math.exp(0) + Math.exp(3));
        assertThat(sampler.sampledLogprob()).isCloseTo((float) (logits[token] - logSumExp), within(1e-5f));
        assertThat(sampler.numTopLogprobs()).isEqualTo(3);
        assertThat(new int[] {sampler.topLogprobTokenId(0), sampler.topLogprobTokenId(1),
            sampler.topLogprobTokenId(2)}).containsExactly(1, 4, 2);
        assertThat(sampler.topLogprob(0)).isCloseTo((float) (3 - logSumExp), within(1e-5f));
        assertThat(sampler.topLogprob(2)).isCloseTo((float) (2 - logSumExp), within(1e-5f));
        assertThatThrownBy(() -> sampler.topLogprob(3)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void logprobsAreAbsentUnlessRequested() {
        Sampler sampler = new Sampler(seeded(12).build(), 3);
        sampler.sample(new float[] {1f, 2f, 3f}, 0, 3);
        assertThat(sampler.sampledLogprob()).isNaN();
        assertThat(sampler.numTopLogprobs()).isZero();
    }

    @Test
    void topLogprobsAreCappedByTheVocabulary() {
        Sampler sampler = new Sampler(seeded(13).logprobs(true).topLogprobs(20).build(), 4);
        sampler.sample(new float[] {0f, 1f, 2f, 3f}, 0, 4);
        assertThat(sampler.numTopLogprobs()).isEqualTo(4);
    }

    @Test
    void badLogitsNeverThrowAndNaNIsNeverChosen() {
        float nan = Float.NaN;
        float ninf = Float.NEGATIVE_INFINITY;
        SamplingParams[] all = {
            seeded(1).build(), seeded(1).temperature(0).build(), seeded(1).topK(2).build(),
            seeded(1).topP(0.5).build(), seeded(1).minP(0.1).build(),
            seeded(1).repetitionPenalty(1.3).frequencyPenalty(1).logprobs(true).topLogprobs(2).build()};
        for (SamplingParams params : all) {
            Sampler sampler = new Sampler(params, 4);
            sampler.accept(3);
            for (int i = 0; i < 50; i++) {
                assertThat(sampler.sample(new float[] {nan, 1f, nan, 0.5f}, 0, 4)).isIn(1, 3);
                assertThat(sampler.sample(new float[] {ninf, ninf, ninf, ninf}, 0, 4)).isBetween(0, 3);
                assertThat(sampler.sample(new float[] {nan, nan, nan, nan}, 0, 4)).isBetween(0, 3);
                assertThat(sampler.sample(new float[] {ninf, ninf, 2f, ninf}, 0, 4)).isEqualTo(2);
            }
        }
    }

    @Test
    void rejectsRowsWiderThanTheVocabularyAndTokensOutsideIt() {
        Sampler sampler = new Sampler(seeded(1).repetitionPenalty(1.1).build(), 4);
        assertThatThrownBy(() -> sampler.sample(new float[8], 0, 5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("vocabSize");
        assertThatThrownBy(() -> sampler.sample(new float[4], 1, 4)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> sampler.accept(4))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tokenId");
        assertThatThrownBy(() -> sampler.acceptPrompt(new int[] {1, -1}, 0, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tokenId");
        assertThatThrownBy(() -> new Sampler(SamplingParams.defaults(), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxVocabSize");
    }

    @Test
    void samplesANarrowerRowThanItWasSizedFor() {
        Sampler sampler = new Sampler(seeded(3).frequencyPenalty(2).build(), 10);
        sampler.accept(9);
        for (int i = 0; i < 100; i++) {
            assertThat(sampler.sample(new float[3], 0, 3)).isBetween(0, 2);
        }
    }

    private static int[] drawMany(Sampler sampler, float[] logits, int count) {
        int[] tokens = new int[count];
        for (int i = 0; i < count; i++) {
            tokens[i] = sampler.sample(logits, 0, logits.length);
        }
        return tokens;
    }

    private static int[] histogram(Sampler sampler, float[] logits, int numDraws) {
        int[] counts = new int[logits.length];
        for (int i = 0; i < numDraws; i++) {
            counts[sampler.sample(logits, 0, logits.length)]++;
        }
        return counts;
    }

    private static float[] logsOf(double... probabilities) {
        float[] logits = new float[probabilities.length];
        for (int i = 0; i < probabilities.length; i++) {
            logits[i] = (float) Math.log(probabilities[i]);
        }
        return logits;
    }

    /** Pearson's statistic over the categories with a positive expected probability; a zero-probability hit is infinite. */
    private static double chiSquare(int[] counts, double... expected) {
        long total = Arrays.stream(counts).asLongStream().sum();
        double statistic = 0;
        for (int i = 0; i < counts.length; i++) {
            if (expected[i] == 0) {
                if (counts[i] > 0) {
                    return Double.POSITIVE_INFINITY;
                }
                continue;
            }
            double e = total * expected[i];
            statistic += (counts[i] - e) * (counts[i] - e) / e;
        }
        return statistic;
    }
}
