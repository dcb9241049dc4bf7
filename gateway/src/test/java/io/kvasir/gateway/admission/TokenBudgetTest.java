package io.kvasir.gateway.admission;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TokenBudgetTest {

    private long nanos;
    private final TokenBudget budget = new TokenBudget(600, () -> nanos);

    @Test
    void reservesWhileTokensLastThenSaysHowLongToWait() {
        assertThat(budget.tryReserve(500)).isZero();
        long wait = budget.tryReserve(200);
        // 100 tokens missing at 600 per minute: 10 seconds.
        assertThat(wait).isEqualTo(TimeUnit.SECONDS.toNanos(10));
        assertThat(budget.available()).isEqualTo(100.0);
        nanos += wait;
        assertThat(budget.tryReserve(200)).isZero();
    }

    @Test
    void settlingRefundsUnusedTokensAndChargesOverruns() {
        assertThat(budget.tryReserve(600)).isZero();
        budget.settle(600, 100);
        assertThat(budget.available()).isEqualTo(500.0);
        budget.settle(0, 700);
        assertThat(budget.available()).isEqualTo(-200.0);
        assertThat(budget.tryReserve(1)).isPositive();
    }

    @Test
    void neverHoldsMoreThanItsCapacity() {
        budget.settle(0, -1_000);
        nanos += TimeUnit.MINUTES.toNanos(10);
        assertThat(budget.available()).isEqualTo(600.0);
    }

    @Test
    void aRequestLargerThanTheCapacityCanNeverBeAdmitted() {
        assertThat(budget.tryReserve(601)).isEqualTo(TokenBudget.NEVER);
        assertThat(budget.available()).isEqualTo(600.0);
    }

    @Test
    void zeroCapacityMeansUnlimitedAndCapacityChangesApply() {
        TokenBudget unlimited = new TokenBudget(0, () -> nanos);
        assertThat(unlimited.tryReserve(Long.MAX_VALUE / 2)).isZero();
        unlimited.changeCapacity(100);
        assertThat(unlimited.tryReserve(100)).isZero();
        assertThat(unlimited.tryReserve(1)).isPositive();
        budget.changeCapacity(50);
        assertThat(budget.available()).isEqualTo(50.0);
    }
}
