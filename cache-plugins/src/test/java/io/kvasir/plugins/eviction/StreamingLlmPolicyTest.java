package io.kvasir.plugins.eviction;

import static io.kvasir.plugins.eviction.EvictionFixtures.concat;
import static io.kvasir.plugins.eviction.EvictionFixtures.kept;
import static io.kvasir.plugins.eviction.EvictionFixtures.policy;
import static io.kvasir.plugins.eviction.EvictionFixtures.range;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;

import io.kvasir.api.plugin.EvictionPolicy;
import io.kvasir.api.plugin.EvictionPolicy.AttentionStats;
import org.junit.jupiter.api.Test;

class StreamingLlmPolicyTest {

    private static final StreamingLlmProvider PROVIDER = new StreamingLlmProvider();

    @Test
    void keepsTheSinksAndTheMostRecentWindowOnceOverBudget() {
        EvictionPolicy streaming = policy(PROVIDER, "budget_tokens", 10, "evict_chunk", 0);

        assertThat(kept(streaming, new float[20], false)).containsExactly(concat(range(0, 4), range(14, 20)));
    }

    @Test
    void keepsEverySlotUntilTheCacheExceedsTheBudgetByMoreThanAChunk() {
        EvictionPolicy streaming = policy(PROVIDER, "budget_tokens", 10, "evict_chunk", 4);

        assertThat(kept(streaming, new float[14], false)).containsExactly(range(0, 14));
        assertThat(kept(streaming, new float[15], false)).containsExactly(concat(range(0, 4), range(9, 15)));
    }

    @Test
    void withoutSinksItIsAPlainSlidingWindow() {
        EvictionPolicy window = policy(PROVIDER, "budget_tokens", 10, "evict_chunk", 0, "sink_tokens", 0);

        assertThat(kept(window, new float[20], false)).containsExactly(range(10, 20));
    }

    @Test
    void aBudgetBelowTheSinkCountKeepsOnlyTheFirstBudgetSlots() {
        EvictionPolicy streaming = policy(PROVIDER, "budget_tokens", 3, "evict_chunk", 0, "sink_tokens", 4);

        assertThat(kept(streaming, new float[20], false)).containsExactly(0, 1, 2);
    }

    @Test
    void aFractionBudgetCountsTheEvictedPositionsInTheSequenceLength() {
        EvictionPolicy streaming = policy(PROVIDER, "budget_fraction", 0.25, "evict_chunk", 0);
        // Positions 4..99 were evicted earlier: the sequence is 140 long, so the budget is 35 slots.
        int[] positions = concat(range(0, 4), range(100, 140));

        int[] kept = kept(streaming, positions, new float[positions.length], false);

        assertThat(kept).containsExactly(concat(range(0, 4), range(positions.length - 31, positions.length)));
    }

    @Test
    void aBudgetAtLeastTheLengthKeepsEverything() {
        EvictionPolicy streaming = policy(PROVIDER, "budget_tokens", 64, "evict_chunk", 0);

        assertThat(kept(streaming, new float[64], true)).containsExactly(range(0, 64));
        assertThat(kept(policy(PROVIDER, "budget_fraction", 1.0, "evict_chunk", 0), new float[500], false))
                .containsExactly(range(0, 500));
    }

    @Test
    void emptyAndSingleSlotCachesKeepEverything() {
        EvictionPolicy tiny = policy(PROVIDER, "budget_tokens", 1, "evict_chunk", 0);

        assertThat(kept(tiny, new float[0], true)).isEmpty();
        assertThat(kept(tiny, new float[1], true)).containsExactly(0);
    }

    @Test
    void decodingStaysWithinBudgetPlusChunkAndNeverLosesTheSinks() {
        EvictionPolicy streaming = policy(PROVIDER, "budget_tokens", 48, "evict_chunk", 16);
        int[] positions = range(0, 100);
        int numEvictions = 0;
        for (int step = 0; step < 500; step++) {
            int[] kept = kept(streaming, positions, new float[positions.length], step == 0);
            if (kept.length < positions.length) {
                numEvictions++;
                assertThat(kept).hasSize(48);
            }
            positions = EvictionFixtures.compact(positions, kept);
            assertThat(positions.length).isLessThanOrEqualTo(48 + 16);
            assertThat(Arrays.copyOf(positions, 4)).containsExactly(0, 1, 2, 3);
            positions = Arrays.copyOf(positions, positions.length + 1);
            positions[positions.length - 1] = 100 + step;
        }
        // One eviction at the end of the prompt, then one per 17 new tokens.
        assertThat(numEvictions).isEqualTo(1 + 500 / 17);
    }

    @Test
    void needsNoAttentionStatistics() {
        EvictionPolicy streaming = policy(PROVIDER);

        assertThat(streaming.attentionStats()).isEqualTo(AttentionStats.NONE);
        assertThat(streaming.observationWindow()).isZero();
        assertThat(streaming.selectsDuringPrefill()).isTrue();
    }
}
