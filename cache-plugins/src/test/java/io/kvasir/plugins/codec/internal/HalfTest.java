package io.kvasir.plugins.codec.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import org.junit.jupiter.api.Test;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;

class HalfTest {

    @Test
    void vectorDecodingMatchesTheJdkForEveryFiniteHalf() {
        int numChecked = 0;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment halves = arena.allocate(2L * Lanes.L);
            float[] decoded = new float[Lanes.L];
            for (int first = 0; first < 0x10000; first += Lanes.L) {
                for (int i = 0; i < Lanes.L; i++) {
                    halves.set(Lanes.SHORT, 2L * i, (short) (first + i));
                }
                Half.toFloats(ShortVector.fromMemorySegment(Lanes.S, halves, 0, Lanes.LE)).intoArray(decoded, 0);
                for (int i = 0; i < Lanes.L; i++) {
                    short bits = (short) (first + i);
                    float expected = Float.float16ToFloat(bits);
                    if (Float.isFinite(expected)) {
                        assertThat(Float.floatToRawIntBits(decoded[i])).as("half 0x%04x", bits & 0xffff)
                                .isEqualTo(Float.floatToRawIntBits(expected));
                        numChecked++;
                    }
                }
            }
        }
        assertThat(numChecked).isEqualTo(0x10000 - 2 * 0x400);
    }

    @Test
    void saturatesInsteadOfOverflowingToInfinity() {
        assertThat(Float.float16ToFloat(Half.saturate(1e6f))).isEqualTo(65504f);
        assertThat(Float.float16ToFloat(Half.saturate(-Float.MAX_VALUE))).isEqualTo(-65504f);
        assertThat(Float.float16ToFloat(Half.saturate(1.5f))).isEqualTo(1.5f);
    }

    @Test
    void ceilingIsTheSmallestHalfNotBelowTheValue() {
        assertThat(Float.float16ToFloat(Half.ceilNonNegative(1f + 0x1p-12f))).isEqualTo(1f + 0x1p-10f);
        assertThat(Float.float16ToFloat(Half.ceilNonNegative(1f))).isEqualTo(1f);
        assertThat(Float.float16ToFloat(Half.ceilNonNegative(1e-12f))).isEqualTo(0x1p-24f);
        assertThat(Float.float16ToFloat(Half.ceilNonNegative(0f))).isZero();
        assertThat(Float.float16ToFloat(Half.ceilNonNegative(7e4f))).isEqualTo(65504f);
    }

    @Test
    void vectorSpeciesHasAsManyShortLanesAsFloatLanes() {
        assertThat(ShortVector.zero(Lanes.S).length()).isEqualTo(FloatVector.zero(Lanes.F).length());
    }
}
