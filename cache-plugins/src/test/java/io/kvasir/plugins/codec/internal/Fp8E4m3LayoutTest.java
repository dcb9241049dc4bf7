package io.kvasir.plugins.codec.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;

import org.junit.jupiter.api.Test;

class Fp8E4m3LayoutTest {

    private static final int BLOCK = 16;
    private static final int HEAD = 8;

    /**
     * A channel with a large offset that drifts slowly (the key channels KIVI describes): coded as differences from
     * the previous key, its error follows the small steps, not the offset. Coded directly, 3 mantissa bits would
     * leave up to 100 / 16 on it.
     */
    @Test
    void keysCodedAsDifferencesKeepAnOffsetChannelsErrorAtItsStepsScale() {
        Fp8E4m3Layout layout = new Fp8E4m3Layout(BLOCK, HEAD);
        Random random = new Random(11);
        float[][] keys = new float[BLOCK][HEAD];
        float[] v = new float[HEAD];
        float[] k = new float[HEAD];
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment region = arena.allocate(layout.bytesPerHeadBlock(), 64);
            for (int t = 0; t < BLOCK; t++) {
                for (int c = 0; c < HEAD; c++) {
                    keys[t][c] = (c == 0 ? 100f + 0.5f * t : 0f) + (float) random.nextGaussian() * 0.1f;
                }
                layout.write(region, t, keys[t], 0, v, 0);
            }
            double maxError = 0;
            for (int t = 0; t < BLOCK; t++) {
                layout.read(region, t, k, 0, v, 0);
                for (int c = 0; c < HEAD; c++) {
                    maxError = Math.max(maxError, Math.abs(k[c] - keys[t][c]));
                }
            }
            // Steps are about 0.5 in channel 0 and 0.14 elsewhere: a 2^-4 relative error of those, never of 100.
            assertThat(maxError).isLessThan(0.1);
        }
    }

    @Test
    void scoresAreTheRunningSumOfTheDecodedKeys() {
        Fp8E4m3Layout layout = new Fp8E4m3Layout(BLOCK, HEAD);
        Random random = new Random(13);
        float[] q = new float[HEAD];
        float[] k = new float[HEAD];
        float[] v = new float[HEAD];
        float[] scores = new float[BLOCK];
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment region = arena.allocate(layout.bytesPerHeadBlock(), 64);
            for (int t = 0; t < BLOCK; t++) {
                for (int c = 0; c < HEAD; c++) {
                    k[c] = (float) random.nextGaussian() * 3;
                }
                layout.write(region, t, k, 0, v, 0);
            }
            for (int c = 0; c < HEAD; c++) {
                q[c] = (float) random.nextGaussian();
            }
            for (int numSlots = 1; numSlots <= BLOCK; numSlots++) {
                layout.keyScores(region, numSlots, q, 0, 0.5f, scores, 0);
                for (int t = 0; t < numSlots; t++) {
                    layout.read(region, t, k, 0, v, 0);
                    double expected = 0;
                    for (int c = 0; c < HEAD; c++) {
                        expected += q[c] * k[c];
                    }
                    assertThat((double) scores[t]).isCloseTo(0.5 * expected, org.assertj.core.api.Assertions.within(1e-4));
                }
            }
        }
    }
}
