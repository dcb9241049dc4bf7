package io.kvasir.ops.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import io.kvasir.engine.testing.SeededRuns;

class PoissonArrivalsTest {

    @Test
    void gapsAreExponentialWithMeanOneOverTheTotalRate() {
        SeededRuns.check(5, run -> {
            double rate = 0.5 + run.random().nextDouble(0, 50);
            run.setup("rate " + rate);
            PoissonArrivals arrivals = new PoissonArrivals(List.of(rate), new SplittableRandom(run.seed()));
            int n = 50_000;
            double meanGap = 1e9 / rate;
            long previous = 0;
            double sum = 0;
            double sumSquares = 0;
            int longerThanMean = 0;
            for (int i = 0; i < n; i++) {
                long offset = arrivals.next().offsetNanos();
                assertThat(offset).isGreaterThanOrEqualTo(previous);
                double gap = offset - previous;
                sum += gap;
                sumSquares += gap * gap;
                longerThanMean += gap > meanGap ? 1 : 0;
                previous = offset;
            }
            double mean = sum / n;
            double sd = Math.sqrt(sumSquares / n - mean * mean);
            assertThat(mean / meanGap).isCloseTo(1, within(0.02));
            // An exponential's standard deviation equals its mean, and P(gap > mean) = 1/e.
            assertThat(sd / mean).isCloseTo(1, within(0.03));
            assertThat((double) longerThanMean / n).isCloseTo(Math.exp(-1), within(0.01));
        });
    }

    @Test
    void tenantsGetArrivalsInProportionToTheirRates() {
        PoissonArrivals arrivals = new PoissonArrivals(List.of(1.0, 3.0, 0.5, 0.5), new SplittableRandom(11));
        assertThat(arrivals.totalRate()).isEqualTo(5.0);
        int n = 40_000;
        int[] counts = new int[4];
        for (int i = 0; i < n; i++) {
            counts[arrivals.next().tenantIndex()]++;
        }
        assertThat((double) counts[0] / n).isCloseTo(0.2, within(0.01));
        assertThat((double) counts[1] / n).isCloseTo(0.6, within(0.01));
        assertThat((double) counts[2] / n).isCloseTo(0.1, within(0.01));
        assertThat((double) counts[3] / n).isCloseTo(0.1, within(0.01));
    }

    @Test
    void arrivalsInAFixedWindowAverageRateTimesWindow() {
        double rate = 4;
        double windowSeconds = 25;
        int runs = 400;
        double sum = 0;
        double sumSquares = 0;
        for (int seed = 0; seed < runs; seed++) {
            PoissonArrivals arrivals = new PoissonArrivals(List.of(rate), new SplittableRandom(seed));
            int count = 0;
            while (arrivals.next().offsetNanos() < windowSeconds * 1e9) {
                count++;
            }
            sum += count;
            sumSquares += (double) count * count;
        }
        double mean = sum / runs;
        // A Poisson count's variance equals its mean (100 here).
        assertThat(mean).isCloseTo(rate * windowSeconds, within(2.0));
        assertThat(sumSquares / runs - mean * mean).isCloseTo(rate * windowSeconds, within(20.0));
    }

    @Test
    void theSameSeedGivesTheSameArrivals() {
        PoissonArrivals a = new PoissonArrivals(List.of(2.0, 5.0), new SplittableRandom(9));
        PoissonArrivals b = new PoissonArrivals(List.of(2.0, 5.0), new SplittableRandom(9));
        for (int i = 0; i < 1000; i++) {
            assertThat(a.next()).isEqualTo(b.next());
        }
    }

    @Test
    void rejectsMissingZeroNegativeOrInfiniteRates() {
        assertThatThrownBy(() -> new PoissonArrivals(List.of(), new SplittableRandom(1)))
                .isInstanceOf(IllegalArgumentException.class);
        for (double bad : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThatThrownBy(() -> new PoissonArrivals(List.of(1.0, bad), new SplittableRandom(1)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rate");
        }
    }
}
