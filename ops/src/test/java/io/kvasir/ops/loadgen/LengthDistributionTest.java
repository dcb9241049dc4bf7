package io.kvasir.ops.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import io.kvasir.engine.testing.SeededRuns;

class LengthDistributionTest {

    @Test
    void parsesFixedUniformAndNormalSpecs() {
        assertThat(LengthDistribution.parse("128", "--prompt-tokens")).isEqualTo(new LengthDistribution.Fixed(128));
        assertThat(LengthDistribution.parse(" 64..256 ", "--prompt-tokens")).isEqualTo(new LengthDistribution.Uniform(64, 256));
        assertThat(LengthDistribution.parse("normal:100,20", "--prompt-tokens"))
                .isEqualTo(new LengthDistribution.Normal(100, 20, 1, 180));
        assertThat(LengthDistribution.parse("Normal:100,20,50,150", "--prompt-tokens"))
                .isEqualTo(new LengthDistribution.Normal(100, 20, 50, 150));
    }

    @Test
    void specRoundTripsThroughParse() {
        for (String spec : new String[] {"7", "3..9", "normal:100,20,50,150", "normal:10.5,2.5,1,30"}) {
            LengthDistribution parsed = LengthDistribution.parse(spec, "--output-tokens");
            assertThat(LengthDistribution.parse(parsed.spec(), "--output-tokens")).isEqualTo(parsed);
        }
    }

    @Test
    void rejectsBadSpecsNamingTheOption() {
        for (String bad : new String[] {"0", "-3", "abc", "", "10..5", "0..5", "normal:1", "normal:5,-1", "normal:5,1,9,3",
                "normal:NaN,1", "1..x"}) {
            assertThatThrownBy(() -> LengthDistribution.parse(bad, "--prompt-tokens"))
                    .as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("--prompt-tokens '" + bad + "'");
        }
    }

    @Test
    void drawsStayInBoundsAndMatchTheDistributionsMoments() {
        SeededRuns.check(20, run -> {
            int low = run.intBetween(1, 200);
            int high = low + run.intBetween(0, 300);
            double mean = (low + high) / 2.0;
            double sd = run.random().nextDouble(0, 60);
            LengthDistribution[] distributions = {
                new LengthDistribution.Fixed(low),
                new LengthDistribution.Uniform(low, high),
                // Symmetric bounds keep the truncated normal's mean at its centre.
                new LengthDistribution.Normal(mean, sd, low, high),
            };
            run.setup(java.util.Arrays.toString(distributions));
            for (LengthDistribution d : distributions) {
                SplittableRandom random = new SplittableRandom(run.seed());
                int n = 20_000;
                double sum = 0;
                int seenLow = 0;
                int seenHigh = 0;
                for (int i = 0; i < n; i++) {
                    int x = d.sample(random);
                    assertThat(x).isBetween(d.min(), d.max());
                    sum += x;
                    seenLow += x == d.min() ? 1 : 0;
                    seenHigh += x == d.max() ? 1 : 0;
                }
                assertThat(sum / n).as(d.spec()).isCloseTo(d.mean(), within(0.02 * (high - low) + 0.5));
                if (d instanceof LengthDistribution.Uniform) {
                    assertThat(seenLow).as("uniform reaches its low end").isPositive();
                    assertThat(seenHigh).as("uniform reaches its high end").isPositive();
                }
            }
        });
    }

    @Test
    void anUnboundedNormalHasItsStandardDeviation() {
        LengthDistribution normal = new LengthDistribution.Normal(500, 40, 1, 10_000);
        SplittableRandom random = new SplittableRandom(3);
        int n = 50_000;
        double sum = 0;
        double sumSquares = 0;
        for (int i = 0; i < n; i++) {
            int x = normal.sample(random);
            sum += x;
            sumSquares += (double) x * x;
        }
        double mean = sum / n;
        assertThat(mean).isCloseTo(500, within(1.0));
        assertThat(Math.sqrt(sumSquares / n - mean * mean)).isCloseTo(40, within(1.0));
    }

    @Test
    void theSameSeedGivesTheSameLengths() {
        LengthDistribution d = LengthDistribution.parse("normal:64,16", "--prompt-tokens");
        SplittableRandom a = new SplittableRandom(42);
        SplittableRandom b = new SplittableRandom(42);
        for (int i = 0; i < 100; i++) {
            assertThat(d.sample(a)).isEqualTo(d.sample(b));
        }
    }
}
