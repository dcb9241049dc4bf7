package io.kvasir.engine.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class Xoshiro256StarStarTest {

    @Test
    void matchesTheReferenceImplementationFromAKnownState() {
        Xoshiro256StarStar random = Xoshiro256StarStar.ofState(1, 2, 3, 4);
        long[] expected = {11520L, 0L, 1509978240L, 1215971899390074240L, 1216172134540287360L,
            607988272756665600L};
        for (long e : expected) {
            assertThat(random.nextLong()).isEqualTo(e);
        }
    }

    @Test
    void seedsThroughSplitMix64() {
        assertThat(Xoshiro256StarStar.mix64(0x9e3779b97f4a7c15L)).isEqualTo(0xe220a8397b1dcdafL);
        Xoshiro256StarStar seeded = new Xoshiro256StarStar(42);
        Xoshiro256StarStar explicit = Xoshiro256StarStar.ofState(-4767286540954276203L, 2949826092126892291L,
                5139283748462763858L, 6349198060258255764L);
        for (int i = 0; i < 8; i++) {
            assertThat(seeded.nextLong()).isEqualTo(explicit.nextLong());
        }
    }

    @Test
    void nextDoubleStaysInTheUnitInterval() {
        Xoshiro256StarStar random = new Xoshiro256StarStar(3);
        double min = 1;
        double max = 0;
        for (int i = 0; i < 100_000; i++) {
            double u = random.nextDouble();
            assertThat(u).isGreaterThanOrEqualTo(0).isLessThan(1);
            min = Math.min(min, u);
            max = Math.max(max, u);
        }
        assertThat(min).isLessThan(0.001);
        assertThat(max).isGreaterThan(0.999);
    }

    @Test
    void rejectsTheAllZeroState() {
        assertThatThrownBy(() -> Xoshiro256StarStar.ofState(0, 0, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
