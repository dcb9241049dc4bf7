package io.kvasir.ops.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

import io.kvasir.engine.testing.SeededRuns;

class LatencySummaryTest {

    @Test
    void percentilesInterpolateBetweenRanksLikeNumpy() {
        double[] sorted = {1, 2, 3, 4};
        // numpy.percentile([1, 2, 3, 4], [0, 50, 90, 99, 100]) = [1, 2.5, 3.7, 3.97, 4]
        assertThat(LatencySummary.percentile(sorted, 0)).isEqualTo(1);
        assertThat(LatencySummary.percentile(sorted, 50)).isEqualTo(2.5);
        assertThat(LatencySummary.percentile(sorted, 90)).isCloseTo(3.7, within(1e-12));
        assertThat(LatencySummary.percentile(sorted, 99)).isCloseTo(3.97, within(1e-12));
        assertThat(LatencySummary.percentile(sorted, 100)).isEqualTo(4);
        assertThat(LatencySummary.percentile(new double[] {7}, 99)).isEqualTo(7);
    }

    @Test
    void summarisesNanosInMillisWithoutReorderingTheInput() {
        long[] nanos = {30_000_000, 10_000_000, 20_000_000, 40_000_000, 999};
        LatencySummary summary = LatencySummary.ofNanos(nanos, 4);
        assertThat(summary.count()).isEqualTo(4);
        assertThat(summary.mean()).isEqualTo(25.0);
        assertThat(summary.p50()).isEqualTo(25.0);
        assertThat(summary.max()).isEqualTo(40.0);
        assertThat(nanos[0]).isEqualTo(30_000_000);
        assertThat(LatencySummary.ofNanos(nanos, 0)).isNull();
        assertThat(LatencySummary.ofMillis(new double[0])).isNull();
    }

    @Test
    void percentilesAgreeWithANaiveReferenceAndAreOrdered() {
        SeededRuns.check(200, run -> {
            int n = run.intBetween(1, 300);
            double[] values = new double[n];
            for (int i = 0; i < n; i++) {
                values[i] = run.random().nextInt(5) == 0 ? 5.0 : run.random().nextDouble(0, 1000);
            }
            run.setup(n + " values");
            LatencySummary s = LatencySummary.ofMillis(values);
            double[] sorted = values.clone();
            Arrays.sort(sorted);
            for (double p : new double[] {50, 90, 99}) {
                // Reference: the value at the real-valued rank p/100 (n-1), by walking the sorted array.
                double rank = p / 100 * (n - 1);
                int lo = (int) rank;
                double expected = lo + 1 < n ? sorted[lo] * (1 - (rank - lo)) + sorted[lo + 1] * (rank - lo) : sorted[lo];
                assertThat(LatencySummary.percentile(sorted, p)).isCloseTo(expected, within(1e-9));
            }
            assertThat(s.p50()).isLessThanOrEqualTo(s.p90());
            assertThat(s.p90()).isLessThanOrEqualTo(s.p99());
            assertThat(s.p99()).isLessThanOrEqualTo(s.max());
            assertThat(s.p50()).isGreaterThanOrEqualTo(sorted[0]);
        });
    }

    @Test
    void rejectsEmptyInputAndPercentilesOutOfRange() {
        assertThatThrownBy(() -> LatencySummary.percentile(new double[0], 50)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LatencySummary.percentile(new double[] {1}, 101)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LatencySummary.percentile(new double[] {1}, Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }
}
