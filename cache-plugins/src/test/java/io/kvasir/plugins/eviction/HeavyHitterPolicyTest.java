package io.kvasir.plugins.eviction;

import static io.kvasir.plugins.eviction.EvictionFixtures.compact;
import static io.kvasir.plugins.eviction.EvictionFixtures.concat;
import static io.kvasir.plugins.eviction.EvictionFixtures.kept;
import static io.kvasir.plugins.eviction.EvictionFixtures.policy;
import static io.kvasir.plugins.eviction.EvictionFixtures.range;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;

import io.kvasir.api.plugin.EvictionPolicy;
import io.kvasir.api.plugin.EvictionPolicy.AttentionStats;
import org.junit.jupiter.api.Test;

import io.kvasir.plugins.eviction.internal.HeavyHitterPolicy;

class HeavyHitterPolicyTest {

    private static final HeavyHitterProvider PROVIDER = new HeavyHitterProvider();

    @Test
    void keepsHeavyHittersOverOtherOldSlotsAndTheRecentHalfOfTheBudget() {
        EvictionPolicy h2o = policy(PROVIDER, "recent_fraction", 0.5, "budget_tokens", 8, "evict_chunk", 0);
        float[] scores = new float[20];
        Arrays.fill(scores, 0.1f);
        scores[2] = 5f;
        scores[5] = 3f;
        scores[9] = 4f;
        scores[13] = 2f;
        scores[14] = 1f;
        scores[17] = 9f;

        assertThat(kept(h2o, scores, false)).containsExactly(2, 5, 9, 13, 16, 17, 18, 19);
    }

    @Test
    void equalScoresKeepTheMoreRecentSlot() {
        EvictionPolicy h2o = policy(PROVIDER, "recent_fraction", 0.5, "budget_tokens", 8, "evict_chunk", 0, "score", "sum");
        float[] scores = new float[20];
        Arrays.fill(scores, 1f);
        scores[3] = 2f;

        assertThat(kept(h2o, scores, false)).containsExactly(3, 13, 14, 15, 16, 17, 18, 19);
    }

    @Test
    void theMeanRanksSlotsByAttentionPerQueryWhereTheSumFavoursTheOldest() {
        // Every query gives every slot 0.125, and slot 12 0.5: a slot at position p has been seen by 20 - p queries.
        float[] scores = new float[20];
        for (int p = 0; p < 20; p++) {
            scores[p] = (20 - p) * (p == 12 ? 0.5f : 0.125f);
        }
        EvictionPolicy mean = policy(PROVIDER, "recent_fraction", 0.5, "budget_tokens", 8, "evict_chunk", 0, "decay", 1.0);
        EvictionPolicy sum = policy(PROVIDER, "recent_fraction", 0.5, "budget_tokens", 8, "evict_chunk", 0, "score", "sum", "decay", 1.0);

        assertThat(kept(mean, scores, false)).containsExactly(12, 13, 14, 15, 16, 17, 18, 19);
        assertThat(kept(sum, scores, false)).containsExactly(0, 1, 2, 12, 16, 17, 18, 19);
    }

    @Test
    void theMeanCountsTheQueriesFromEachPositionToTheNewestOnes() {
        // Gapped positions, newest 100: positions 0, 30 and 90 were seen by 101, 71 and 11 queries.
        int[] positions = concat(new int[] {0, 30, 90}, range(96, 101));
        float[] scores = {101 * 0.1f, 71 * 0.2f, 11 * 0.3f, 0f, 0f, 0f, 0f, 0f};
        EvictionPolicy mean = policy(PROVIDER, "recent_fraction", 0.5, "budget_tokens", 5, "evict_chunk", 0, "decay", 1.0);
        EvictionPolicy sum = policy(PROVIDER, "recent_fraction", 0.5, "budget_tokens", 5, "evict_chunk", 0, "score", "sum", "decay", 1.0);

        // Three recent slots, two heavy hitters: means 0.1 < 0.2 < 0.3, sums 3.3 < 10.1 < 14.2.
        assertThat(kept(mean, positions, scores, false)).containsExactly(1, 2, 5, 6, 7);
        assertThat(kept(sum, positions, scores, false)).containsExactly(0, 1, 5, 6, 7);
    }

    @Test
    void aDecayedMeanDividesByTheDecayedWeightOfTheQueries() {
        // Decay 0.5: a slot seen by n queries that each gave it a holds a * (1 - 0.5^n) / 0.5. Slots 0..11 get 0.25
        // per query, slot 4 gets 0.3 and slot 9 0.27: the mean recovers those rates whatever each slot's age.
        float[] scores = new float[20];
        for (int p = 0; p < 20; p++) {
            double perQuery = p == 4 ? 0.3 : p == 9 ? 0.27 : 0.25;
            scores[p] = (float) (perQuery * (1 - Math.pow(0.5, 20 - p)) / 0.5);
        }
        EvictionPolicy decayed = policy(PROVIDER, "recent_fraction", 0.5, "budget_tokens", 8, "evict_chunk", 0, "decay", 0.5);

        assertThat(decayed.attentionDecay()).isEqualTo(0.5);
        assertThat(kept(decayed, scores, false)).containsExactly(4, 9, 14, 15, 16, 17, 18, 19);
    }

    @Test
    void theDefaultDecayAndRecentShareAreTheMeasuredOnes() {
        assertThat(((HeavyHitterPolicy) policy(PROVIDER)).recentFraction()).isEqualTo(0.75);
        assertThat(policy(PROVIDER).attentionDecay()).isEqualTo(0.8);
        assertThat(policy(PROVIDER, "decay", 1.0).attentionDecay()).isEqualTo(1.0);
    }

    @Test
    void recentFractionOneIsASlidingWindow() {
        EvictionPolicy window = policy(PROVIDER, "budget_tokens", 8, "evict_chunk", 0, "recent_fraction", 1.0);
        float[] scores = new float[20];
        scores[0] = 100f;

        assertThat(kept(window, scores, false)).containsExactly(range(12, 20));
    }

    @Test
    void recentFractionZeroKeepsTheHighestScoresWherePossible() {
        EvictionPolicy hitters = policy(PROVIDER, "budget_tokens", 3, "evict_chunk", 0, "recent_fraction", 0.0);
        float[] scores = {0f, 7f, 1f, -2f, 7f, 0.5f, 3f, 0f};

        assertThat(kept(hitters, scores, false)).containsExactly(1, 4, 6);
    }

    @Test
    void theRecentShareIsRoundedFromTheBudget() {
        // Half of 5 rounds up to 3 recent slots, leaving 2 for heavy hitters.
        EvictionPolicy h2o = policy(PROVIDER, "budget_tokens", 5, "evict_chunk", 0, "recent_fraction", 0.5, "score", "sum");
        float[] scores = {9f, 0f, 8f, 0f, 7f, 0f, 0f, 0f, 0f, 0f};

        assertThat(kept(h2o, scores, false)).containsExactly(0, 2, 7, 8, 9);
    }

    @Test
    void keepsEverythingWithinBudgetAndOnEmptyOrSingleSlotCaches() {
        EvictionPolicy h2o = policy(PROVIDER, "recent_fraction", 0.5, "budget_tokens", 1, "evict_chunk", 0);

        assertThat(kept(h2o, new float[0], false)).isEmpty();
        assertThat(kept(h2o, new float[1], false)).containsExactly(0);
        assertThat(kept(policy(PROVIDER, "recent_fraction", 0.5, "budget_tokens", 30), new float[30], true)).containsExactly(range(0, 30));
    }

    @Test
    void aSlotThatKeepsDrawingAttentionSurvivesLongDecoding() {
        EvictionPolicy h2o = policy(PROVIDER, "recent_fraction", 0.5, "budget_fraction", 0.25, "evict_chunk", 8);
        int[] positions = range(0, 64);
        float[] scores = new float[64];
        int numEvictions = 0;
        for (int step = 0; step < 400; step++) {
            for (int slot = 0; slot < positions.length; slot++) {
                // Position 7 is the heavy hitter; everything else gets a little attention, newer slots more.
                scores[slot] += positions[slot] == 7 ? 1f : 0.001f * (positions[slot] % 5);
            }
            int length = positions[positions.length - 1] + 1;
            int budget = (length + 3) / 4;
            int[] kept = kept(h2o, positions, scores, step == 0);
            if (kept.length < positions.length) {
                numEvictions++;
                assertThat(kept).hasSize(budget);
            }
            positions = compact(positions, kept);
            scores = compact(scores, kept);
            assertThat(positions).contains(7, length - 1);
            assertThat(positions.length).isLessThanOrEqualTo(budget + 8);
            positions = Arrays.copyOf(positions, positions.length + 1);
            positions[positions.length - 1] = length;
            scores = Arrays.copyOf(scores, scores.length + 1);
        }
        assertThat(numEvictions).isGreaterThan(20);
    }

    @Test
    void asksForAccumulatedAttention() {
        EvictionPolicy h2o = policy(PROVIDER);

        assertThat(h2o.attentionStats()).isEqualTo(AttentionStats.ACCUMULATED);
        assertThat(h2o.selectsDuringPrefill()).isTrue();
    }

    @Test
    void keepsTheHeavyHittersAmongGappedPositions() {
        EvictionPolicy h2o = policy(PROVIDER, "recent_fraction", 0.5, "budget_tokens", 4, "evict_chunk", 0);
        int[] positions = concat(new int[] {0, 5, 9}, range(40, 45));
        float[] scores = {3f, 0f, 2f, 0f, 0f, 0f, 0f, 0f};

        assertThat(kept(h2o, positions, scores, false)).containsExactly(0, 2, 6, 7);
    }
}
