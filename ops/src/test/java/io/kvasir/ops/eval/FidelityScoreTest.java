package io.kvasir.ops.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class FidelityScoreTest {

    @Test
    void identicalLogitsGiveZeroKlAndFullAgreement() {
        FidelityScore score = new FidelityScore(4);
        float[] logits = {1f, 3f, -2f, 0.5f};
        score.add(logits, 0, logits.clone(), 0, 1);
        assertThat(score.meanKl()).isZero();
        assertThat(score.top1Agreement()).isEqualTo(1.0);
    }

    @Test
    void klAndPerplexityMatchTheirDefinitions() {
        FidelityScore score = new FidelityScore(2);
        // p = softmax(0, ln 3) = (0.25, 0.75); q = softmax(ln 3, 0) = (0.75, 0.25)
        score.add(new float[] {0f, (float) Math.log(3)}, 0, new float[] {(float) Math.log(3), 0f}, 0, 1);
        double expectedKl = 0.25 * Math.log(0.25 / 0.75) + 0.75 * Math.log(0.75 / 0.25);
        assertThat(score.meanKl()).isCloseTo(expectedKl, within(1e-6));
        assertThat(score.perplexity()).isCloseTo(4.0, within(1e-5));
        assertThat(score.top1Agreement()).isZero();
    }

    @Test
    void readsRowsAtTheirOffsets() {
        FidelityScore score = new FidelityScore(3);
        float[] reference = {9f, 9f, 9f, 0f, 5f, 0f};
        float[] candidate = {0f, 0f, 0f, 0f, 5f, 0f, 7f};
        score.add(reference, 3, candidate, 3, 1);
        assertThat(score.meanKl()).isZero();
        assertThat(score.top1Agreement()).isEqualTo(1.0);
        assertThat(score.numPositions()).isEqualTo(1);
    }

    @Test
    void aFlipBetweenNearlyEqualReferenceProbabilitiesCountsAsANearTie() {
        FidelityScore score = new FidelityScore(3);
        score.add(new float[] {2.00f, 1.95f, 0f}, 0, new float[] {1.95f, 2.00f, 0f}, 0, 0);
        score.add(new float[] {3f, 1f, 0f}, 0, new float[] {1f, 3f, 0f}, 0, 0);
        assertThat(score.top1Agreement()).isZero();
        assertThat(score.nearTieShareOfFlips()).isEqualTo(0.5);
    }
}
