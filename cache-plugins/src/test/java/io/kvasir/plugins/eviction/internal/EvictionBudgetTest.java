package io.kvasir.plugins.eviction.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;

class EvictionBudgetTest {

    @Test
    void aFractionBudgetIsTheCeilingOfTheShareOfTheLengthAndAtLeastOne() {
        EvictionBudget budget = new EvictionBudget(0, 0.3, 16);

        assertThat(budget.budget(10)).isEqualTo(3);
        assertThat(budget.budget(11)).isEqualTo(4);
        assertThat(budget.budget(1)).isEqualTo(1);
        assertThat(budget.budget(0)).isEqualTo(1);
        assertThat(budget.budget(Integer.MAX_VALUE)).isEqualTo((int) Math.ceil(0.3 * Integer.MAX_VALUE));
        assertThat(new EvictionBudget(0, 1.0, 0).budget(12345)).isEqualTo(12345);
    }

    @Test
    void aTokenBudgetIgnoresTheFraction() {
        EvictionBudget budget = new EvictionBudget(100, 0.01, 0);

        assertThat(budget.budget(5)).isEqualTo(100);
        assertThat(budget.budget(1_000_000)).isEqualTo(100);
    }

    @Test
    void evictionIsDueOnlyBeyondBudgetPlusChunk() {
        EvictionBudget budget = new EvictionBudget(100, 0.5, 16);

        assertThat(budget.isEvictionDue(116, 100)).isFalse();
        assertThat(budget.isEvictionDue(117, 100)).isTrue();
        assertThat(new EvictionBudget(0, 0.5, Integer.MAX_VALUE).isEvictionDue(Integer.MAX_VALUE, 1)).isFalse();
    }

    @Test
    void theSequenceLengthIsThePositionAfterTheLastSlot() {
        assertThat(EvictionBudget.sequenceLength(3, new int[] {0, 4, 9, 99})).isEqualTo(10);
        assertThat(EvictionBudget.sequenceLength(0, new int[0])).isZero();
    }

    @Test
    void invalidBudgetsAreRefusedNamingTheParameter() {
        assertThatIllegalArgumentException().isThrownBy(() -> new EvictionBudget(-1, 0.5, 0)).withMessageContaining("budgetTokens");
        assertThatIllegalArgumentException().isThrownBy(() -> new EvictionBudget(0, 0.0, 0)).withMessageContaining("budgetFraction");
        assertThatIllegalArgumentException().isThrownBy(() -> new EvictionBudget(0, Double.NaN, 0)).withMessageContaining("budgetFraction");
        assertThatIllegalArgumentException().isThrownBy(() -> new EvictionBudget(0, 1.0000001, 0)).withMessageContaining("budgetFraction");
        assertThatIllegalArgumentException().isThrownBy(() -> new EvictionBudget(0, 0.5, -1)).withMessageContaining("evictChunk");
    }

    @Test
    void policiesRefuseBadParameters() {
        EvictionBudget budget = new EvictionBudget(10, 0.5, 0);

        assertThatIllegalArgumentException().isThrownBy(() -> new StreamingLlmPolicy(budget, -1)).withMessageContaining("sinkTokens");
        assertThatIllegalArgumentException().isThrownBy(() -> new HeavyHitterPolicy(budget, Double.NaN, HeavyHitterPolicy.Scoring.MEAN, 1.0)).withMessageContaining("recentFraction");
        assertThatIllegalArgumentException().isThrownBy(() -> new SnapKvPolicy(budget, 0, 7, SnapKvPolicy.Pooling.AVG)).withMessageContaining("window");
        assertThatIllegalArgumentException().isThrownBy(() -> new SnapKvPolicy(budget, 8, 4, SnapKvPolicy.Pooling.AVG)).withMessageContaining("kernelSize");
        assertThatIllegalArgumentException().isThrownBy(() -> new SnapKvPolicy(budget, 8, 7, null)).withMessageContaining("pooling");
        assertThatIllegalArgumentException().isThrownBy(() -> new StreamingLlmPolicy(null, 4)).withMessageContaining("budget");
    }
}
