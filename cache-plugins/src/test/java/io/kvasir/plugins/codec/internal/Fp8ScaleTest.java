package io.kvasir.plugins.codec.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;

import org.junit.jupiter.api.Test;

import jdk.incubator.vector.FloatVector;

class Fp8ScaleTest {

    @Test
    void vectorRoundingMatchesTheScalarEncoderAcrossTheRange() {
        float[] magnitudes = new float[Lanes.L];
        float[] rounded = new float[Lanes.L];
        Random random = new Random(3);
        int numChecked = 0;
        for (int round = 0; round < 20_000; round++) {
            for (int i = 0; i < Lanes.L; i++) {
                // Log-uniform over [2^-12, 448], and every 7th lane exactly on or halfway between codes.
                magnitudes[i] = i % 7 == 0
                        ? (Fp8E4m3.decode((byte) random.nextInt(0x7e)) + Fp8E4m3.decode((byte) random.nextInt(0x7e))) / 2
                        : (float) Math.min(Fp8E4m3.MAX, Math.pow(2, -12 + random.nextDouble() * 20.8));
            }
            Fp8Scale.round(FloatVector.fromArray(Lanes.F, magnitudes, 0)).intoArray(rounded, 0);
            for (int i = 0; i < Lanes.L; i++) {
                assertThat(rounded[i]).as("%s", magnitudes[i]).isEqualTo(Fp8E4m3.decode(Fp8E4m3.encode(magnitudes[i])));
                numChecked++;
            }
        }
        assertThat(numChecked).isEqualTo(20_000 * Lanes.L);
    }

    @Test
    void chosenScaleNeverLosesToTheAbsmaxScaleAndBeatsItOnAverage() {
        Random random = new Random(5);
        double chosenTotal = 0;
        double absmaxTotal = 0;
        try (Arena arena = Arena.ofConfined()) {
            for (int headDim : new int[] {8, 13, 64}) {
                MemorySegment codes = arena.allocate(headDim);
                float[] x = new float[headDim];
                for (int round = 0; round < 2_000; round++) {
                    for (int j = 0; j < headDim; j++) {
                        x[j] = (float) (random.nextGaussian() * (j == 3 && headDim == 13 ? 20 : 1));
                    }
                    float scale = Fp8Scale.encode(x, 0, headDim, codes, 0);
                    double chosen = squaredError(x, codes, scale);
                    float absmax = Shapes.absMax(x, 0, headDim) / Fp8E4m3.MAX;
                    double direct = 0;
                    for (int j = 0; j < headDim; j++) {
                        double e = Fp8E4m3.decode(Fp8E4m3.encode(x[j] * (1f / absmax))) * absmax - x[j];
                        direct += e * e;
                    }
                    assertThat(chosen).isLessThanOrEqualTo(direct * (1 + 1e-5));
                    if (headDim == 8) {
                        chosenTotal += chosen;
                        absmaxTotal += direct;
                    }
                }
            }
        }
        // Gaussian vectors: the search and the refit cut the squared error by about 3x at 8 channels.
        assertThat(chosenTotal).isLessThan(0.5 * absmaxTotal);
    }

    @Test
    void anAllZeroVectorHasScaleZeroAndZeroCodes() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment codes = arena.allocate(8);
            codes.fill((byte) 0x55);
            assertThat(Fp8Scale.encode(new float[8], 0, 8, codes, 0)).isZero();
            for (int j = 0; j < 8; j++) {
                assertThat(codes.get(ValueLayout.JAVA_BYTE, j)).isZero();
            }
        }
    }

    private static double squaredError(float[] x, MemorySegment codes, float scale) {
        double sum = 0;
        for (int j = 0; j < x.length; j++) {
            double e = Fp8E4m3.decode(codes.get(ValueLayout.JAVA_BYTE, j)) * scale - x[j];
            sum += e * e;
        }
        return sum;
    }
}
