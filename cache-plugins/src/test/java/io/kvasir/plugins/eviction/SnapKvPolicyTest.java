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
import io.kvasir.plugins.eviction.internal.SnapKvPolicy;
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
    void decodeSelectsAgainByWhatTheRecentWindowAttends() {
        EvictionPolicy snapKv = policy(PROVIDER, "budget_tokens", 10, "evict_chunk", 2, "window", 4, "kernel_size", 1);
        // After an earlier selection: prompt slots at positions 0, 3, 4, 9, then generated tokens 20..28.
        int[] positions = concat(new int[] {0, 3, 4, 9}, range(20, 29));
        float[] scores = new float[13];
        scores[0] = 5f;
        scores[1] = 0.1f;
        scores[2] = 0.2f;
        scores[3] = 0.05f;
        for (int slot = 4; slot < 9; slot++) {
            scores[slot] = 0.3f + slot * 0.01f;
        }
        scores[4] = 0.01f;
        // Scores of the window's own slots (9..12) play no part.
        Arrays.fill(scores, 9, 13, 100f);

        // Budget 10, window 4: the 6 best of slots 0..8 (slot 0, the generated 5..8 and prompt slot 2); the prompt
        // slots 1 and 3 and the generated slot 4 give way.
        assertThat(kept(snapKv, positions, scores, false)).containsExactly(0, 2, 5, 6, 7, 8, 9, 10, 11, 12);
        assertThat(kept(snapKv, positions, scores, true)).containsExactly(0, 2, 5, 6, 7, 8, 9, 10, 11, 12);
    }

    @Test
    void withTwoPromptTokensDecodeStillSelectsAmongGeneratedOnes() {
        // The forced mode of eval-strategies: a two-token prompt, everything else decoded.
        EvictionPolicy snapKv = policy(PROVIDER, "budget_fraction", 0.5, "evict_chunk", 0, "window", 4, "kernel_size", 1);
        float[] scores = new float[40];
        Arrays.fill(scores, 0.1f);
        scores[0] = 5f;
        Arrays.fill(scores, 10, 15, 1f);

        // Length 40, budget 20: the window 36..39 and 16 of slots 0..35: slot 0, 10..14, and of the equal rest the
        // ten most recent, 26..35.
        assertThat(kept(snapKv, scores, false)).containsExactly(concat(new int[] {0}, range(10, 15), range(26, 40)));
    }

    @Test
    void poolingSpansPositionsSoEvictedNeighboursCountAsZero() {
        EvictionPolicy snapKv = policy(PROVIDER, "budget_tokens", 6, "evict_chunk", 0, "window", 2, "kernel_size", 3);
        // Slots 0..7 before the window; positions 1 and 2 sit next to each other, 5 and 9 have no cached neighbour.
        int[] positions = {1, 2, 5, 9, 12, 13, 16, 20, 30, 31};
        float[] scores = {0.6f, 0.6f, 0.9f, 0.9f, 0.5f, 0.5f, 1.0f, 0.2f, 0f, 0f};

        // Averages over 3 positions: 0.4, 0.4, 0.3, 0.3, 1/3, 1/3, 1/3, 0.2/3. The top 4 are slots 0, 1 and, of the
        // three equal thirds (12|13 and 13|12 sum to 1.0, 16 alone is 1.0), the two most recent, 5 and 6. Pooling
        // over slots instead would have given slot 2 (0.6 + 0.9 + 0.9) and slot 3 the lead.
        assertThat(kept(snapKv, positions, scores, false)).containsExactly(0, 1, 5, 6, 8, 9);
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
    void theDefaultsAreTheMeasuredOnes() {
        SnapKvPolicy snapKv = (SnapKvPolicy) policy(PROVIDER);

        assertThat(snapKv.window()).isEqualTo(24);
        assertThat(snapKv.kernelSize()).isEqualTo(1);
        assertThat(snapKv.pooling()).isEqualTo(SnapKvPolicy.Pooling.AVG);
    }

    @Test
    void asksForTheRecentWindowAndTheWholePrompt() {
        EvictionPolicy snapKv = policy(PROVIDER, "window", 24);

        assertThat(snapKv.attentionStats()).isEqualTo(AttentionStats.RECENT_WINDOW);
        assertThat(snapKv.observationWindow()).isEqualTo(24);
        assertThat(snapKv.selectsDuringPrefill()).isFalse();
    }
}
