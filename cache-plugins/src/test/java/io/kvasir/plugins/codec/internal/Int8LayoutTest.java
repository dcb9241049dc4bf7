package io.kvasir.plugins.codec.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The per-channel int8 layout: typical error of its widening ranges, offsets, reuse, one-sided growth. */
class Int8LayoutTest {


    /**
     * Keys with per-channel offsets far larger than their spread (what per-token scales handle worst): the mean
     * error stays near a quarter step of each channel's own range, re-quantisation included, far below the
     * per-token step that the offset channel would force.
     */
    @ParameterizedTest(name = "block {0} head {1}")
    @CsvSource({"16, 8", "16, 64", "32, 128", "5, 33"})
    void meanErrorIsAboutAQuarterStepOfEachChannelsOwnRange(int blockSize, int headDim) {
        SplittableRandom random = new SplittableRandom(blockSize * 7L + headDim);
        Int8Layout layout = new Int8Layout(blockSize, headDim);
        double keyError = 0;
        double keyStep = 0;
        double valueError = 0;
        double valueStep = 0;
        double perTokenStep = 0;
        float[] k = new float[headDim];
        float[] v = new float[headDim];
        try (Arena arena = Arena.ofConfined()) {
            for (int trial = 0; trial < 20; trial++) {
                MemorySegment region = GarbageRegion.of(arena, layout.bytesPerHeadBlock(), random);
                float[][] keys = new float[blockSize][headDim];
                float[][] values = new float[blockSize][headDim];
                double[] offset = new double[headDim];
                for (int c = 0; c < headDim; c++) {
                    offset[c] = random.nextDouble(-20, 20);
                }
                for (int t = 0; t < blockSize; t++) {
                    for (int c = 0; c < headDim; c++) {
                        keys[t][c] = (float) (offset[c] + random.nextGaussian());
                        values[t][c] = (float) random.nextGaussian();
                    }
                    layout.write(region, t, keys[t], 0, values[t], 0);
                }
                for (int c = 0; c < headDim; c++) {
                    double kMin = Double.POSITIVE_INFINITY;
                    double kMax = Double.NEGATIVE_INFINITY;
                    double vAbs = 0;
                    for (int t = 0; t < blockSize; t++) {
                        kMin = Math.min(kMin, keys[t][c]);
                        kMax = Math.max(kMax, keys[t][c]);
                        vAbs = Math.max(vAbs, Math.abs(values[t][c]));
                    }
                    keyStep += (kMax - kMin) / 255 * blockSize;
                    valueStep += vAbs / 127 * blockSize;
                }
                for (int t = 0; t < blockSize; t++) {
                    layout.read(region, t, k, 0, v, 0);
                    double absMax = 0;
                    for (int c = 0; c < headDim; c++) {
                        keyError += Math.abs(k[c] - keys[t][c]);
                        valueError += Math.abs(v[c] - values[t][c]);
                        absMax = Math.max(absMax, Math.abs(keys[t][c]));
                    }
                    perTokenStep += absMax / 127 * headDim;
                }
            }
        }
        // Rounding once to the final grid gives a quarter step on average; widening adds some more.
        assertThat(keyError).as("key error in steps").isLessThan(0.5 * keyStep);
        assertThat(valueError).as("value error in steps").isLessThan(0.5 * valueStep);
        assertThat(keyError).as("key error vs per-token int8's half step").isLessThan(0.25 * perTokenStep / 2);
    }

    @Test
    void aRangeGrowingOneWayKeepsEveryEarlierToken() {
        int blockSize = 16;
        Int8Layout layout = new Int8Layout(blockSize, 1);
        float[] k = new float[1];
        float[] v = new float[1];
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment region = GarbageRegion.of(arena, layout.bytesPerHeadBlock(), new SplittableRandom(1));
            for (int t = 0; t < blockSize; t++) {
                // Keys climb, values fall: every write widens the range and re-quantises all earlier codes.
                layout.write(region, t, new float[] {1000f + t * t}, 0, new float[] {-0.5f * (t + 1)}, 0);
            }
            for (int t = 0; t < blockSize; t++) {
                layout.read(region, t, k, 0, v, 0);
                assertThat(k[0]).as("K[%d]", t).isCloseTo(1000f + t * t, org.assertj.core.data.Offset.offset(225f / 255 * 2));
                assertThat(v[0]).as("V[%d]", t).isCloseTo(-0.5f * (t + 1), org.assertj.core.data.Offset.offset(8f / 127 * 2));
            }
        }
    }

    @Test
    void slotZeroStartsAFreshRangeInAReusedRegion() {
        Int8Layout layout = new Int8Layout(4, 2);
        float[] k = new float[2];
        float[] v = new float[2];
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment region = arena.allocate(layout.bytesPerHeadBlock(), 64);
            for (int t = 0; t < 4; t++) {
                layout.write(region, t, new float[] {1e4f * t, -1e4f}, 0, new float[] {5e3f, 1f}, 0);
            }
            layout.write(region, 0, new float[] {0.25f, 0.5f}, 0, new float[] {0.125f, -2f}, 0);
            layout.write(region, 1, new float[] {0.375f, 0.5f}, 0, new float[] {0.0625f, 2f}, 0);
            layout.read(region, 0, k, 0, v, 0);
            assertThat(k).containsExactly(0.25f, 0.5f);
            assertThat(v[0]).isCloseTo(0.125f, org.assertj.core.data.Offset.offset(0.125f / 127));
            assertThat(v[1]).isCloseTo(-2f, org.assertj.core.data.Offset.offset(2f / 127));
            layout.read(region, 1, k, 0, v, 0);
            assertThat(k[0]).isCloseTo(0.375f, org.assertj.core.data.Offset.offset(0.125f / 255));
            assertThat(k[1]).isEqualTo(0.5f);
        }
    }
}
