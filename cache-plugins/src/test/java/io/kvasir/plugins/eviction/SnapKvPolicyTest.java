package io.kvasir.plugins.eviction;

import static io.kvasir.plugins.eviction.EvictionFixtures.compact;
import static io.kvasir.plugins.eviction.EvictionFixtures.concat;
import static io.kvasir.plugins.eviction.EvictionFixtures.kept;
import static io.kvasir.plugins.eviction.EvictionFixtures.policy;
import static io.kvasir.plugins.eviction.EvictionFixtures.range;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.stream.IntStream;

import io.kvasir.api.plugin.EvictionPolicy;
import io.kvasir.api.plugin.EvictionPolicy.AttentionStats;
import org.junit.jupiter.api.Test;

class SnapKvPolicyTest {

    private static final SnapKvProvider PROVIDER = new SnapKvProvider();

    /** 40 prompt slots: one strong slot at 5, a cluster of moderate ones at 20..24, nothing elsewhere. */
    private static float[] spikeAndCluster() {
        float[] scores = new float[40];
        scores[5] = 1f;
        Arrays.fill(scores, 20, 25, 0.5f);
        return scores;
    }

    private static EvictionPolicy snapKv(int kernelSize, String pooling) {
        return policy(PROVIDER, "budget_tokens", 13, "evict_chunk", 0, "window", 8, "kernel_size", kernelSize,
                "pooling", pooling);
    }

    @Test
    void withoutPoolingKeepsTheHighestScoresPlusTheWindow() {
        assertThat(kept(snapKv(1, "avg"), spikeAndCluster(), true)).containsExactly(concat(new int[] {5, 21, 22, 23, 24}, range(32, 40)));
    }

    @Test
    void averagePoolingKeepsAClusterOverAnIsolatedStrongSlot() {
        assertThat(kept(snapKv(7, "avg"), spikeAndCluster(), true)).containsExactly(concat(range(20, 25), range(32, 40)));
    }

    @Test
    void maxPoolingKeepsTheNeighboursOfAStrongSlot() {
        assertThat(kept(snapKv(3, "max"), spikeAndCluster(), true)).containsExactly(concat(new int[] {4, 5, 6, 24, 25}, range(32, 40)));
    }

    @Test
    void theObservationWindowIsKeptEvenWhenNothingAttendsToIt() {
        EvictionPolicy snapKv = policy(PROVIDER, "budget_tokens", 16, "evict_chunk", 0, "window", 8, "kernel_size", 1);
        float[] scores = new float[40];
        for (int slot = 0; slot < 32; slot++) {
            scores[slot] = 100 - slot;
        }

        assertThat(kept(snapKv, scores, true)).containsExactly(concat(range(0, 8), range(32, 40)));
    }

    @Test
    void decodingKeepsTheSelectedPromptSlotsAndTheNewestTokens() {
        EvictionPolicy snapKv = policy(PROVIDER, "budget_tokens", 40, "evict_chunk", 4, "window", 8, "kernel_size", 1);
        int[] selected = IntStream.range(0, 32).map(i -> 2 * i).toArray();
        float[] promptScores = new float[100];
        Arrays.fill(promptScores, 0.01f);
        for (int slot : selected) {
            promptScores[slot] = 1f;
        }
        int[] prefillKept = kept(snapKv, promptScores, true);
        int[] positions = compact(range(0, 100), prefillKept);
        float[] scores = compact(promptScores, prefillKept);
        assertThat(positions).containsExactly(concat(selected, range(92, 100)));

        int numEvictions = 0;
        for (int step = 0; step < 100; step++) {
            int newest = 100 + step;
            positions = Arrays.copyOf(positions, positions.length + 1);
            positions[positions.length - 1] = newest;
            // Generated tokens never receive the statistic.
            scores = Arrays.copyOf(scores, scores.length + 1);

            int[] kept = kept(snapKv, positions, scores, false);
            if (kept.length < positions.length) {
                numEvictions++;
                assertThat(compact(positions, kept)).containsExactly(concat(selected, range(newest - 7, newest + 1)));
            }
            positions = compact(positions, kept);
            scores = compact(scores, kept);
            assertThat(positions.length).isLessThanOrEqualTo(44);
            assertThat(positions).contains(selected).contains(newest);
        }
        // The cache reaches 45 slots five tokens after prefill and every fifth token after that.
        assertThat(numEvictions).isEqualTo(20);
    }

    @Test
    void withAFractionBudgetThePromptSlotsStayAndTheRecentWindowGrows() {
        EvictionPolicy snapKv = policy(PROVIDER, "budget_fraction", 0.5, "evict_chunk", 0, "window", 4, "kernel_size", 1);
        // After prefill: 10 prompt slots kept (positive scores), then 30 generated tokens, positions 40..69.
        int[] positions = concat(new int[] {1, 3, 5, 7, 9, 11, 36, 37, 38, 39}, range(40, 70));
        float[] scores = new float[positions.length];
        Arrays.fill(scores, 0, 10, 0.5f);

        // Length 70, budget 35: the 10 prompt slots and the newest 25 generated tokens.
        assertThat(compact(positions, kept(snapKv, positions, scores, false)))
                .containsExactly(concat(new int[] {1, 3, 5, 7, 9, 11, 36, 37, 38, 39}, range(45, 70)));
    }

    @Test
    void promptSlotsGiveWayWhenTheBudgetLeavesNoRoomForTheWindow() {
        EvictionPolicy snapKv = policy(PROVIDER, "budget_tokens", 8, "evict_chunk", 0, "window", 4, "kernel_size", 1);
        int[] positions = concat(range(0, 6), range(50, 56));
        float[] scores = new float[12];
        Arrays.fill(scores, 0, 6, 1f);

        // 6 prompt slots, budget 8, window 4: the 4 oldest prompt slots and the newest 4 slots.
        assertThat(kept(snapKv, positions, scores, false)).containsExactly(0, 1, 2, 3, 8, 9, 10, 11);
    }

    @Test
    void aBudgetBelowTheWindowKeepsTheNewestSlots() {
        EvictionPolicy snapKv = policy(PROVIDER, "budget_tokens", 10, "evict_chunk", 0, "window", 32);
        float[] scores = new float[40];
        scores[0] = 50f;

        assertThat(kept(snapKv, scores, true)).containsExactly(range(30, 40));
        assertThat(kept(snapKv, scores, false)).containsExactly(range(30, 40));
    }

    @Test
    void keepsEveryPromptSlotWithinTheBudgetAndOnEmptyOrSingleSlotCaches() {
        EvictionPolicy snapKv = policy(PROVIDER, "budget_tokens", 64, "evict_chunk", 16);

        assertThat(kept(snapKv, new float[80], true)).containsExactly(range(0, 80));
        assertThat(kept(snapKv, new float[0], true)).isEmpty();
        assertThat(kept(policy(PROVIDER, "budget_tokens", 1, "evict_chunk", 0), new float[1], true)).containsExactly(0);
    }

    @Test
    void aFractionBudgetSelectsFromTheWholePrompt() {
        EvictionPolicy snapKv = policy(PROVIDER, "budget_fraction", 0.5, "window", 4, "kernel_size", 1, "evict_chunk", 0);
        float[] scores = new float[20];
        scores[1] = 3f;
        scores[4] = 2f;
        scores[7] = 4f;
        scores[11] = 1f;
        scores[15] = 5f;
        scores[13] = 0.5f;

        assertThat(kept(snapKv, scores, true)).containsExactly(1, 4, 7, 11, 13, 15, 16, 17, 18, 19);
    }

    @Test
    void asksForTheObservationWindowAndTheWholePrompt() {
        EvictionPolicy snapKv = policy(PROVIDER, "window", 24);

        assertThat(snapKv.attentionStats()).isEqualTo(AttentionStats.OBSERVATION_WINDOW);
        assertThat(snapKv.observationWindow()).isEqualTo(24);
        assertThat(snapKv.selectsDuringPrefill()).isFalse();
    }
}
