package io.kvasir.plugins.codec.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Int4KiviLayoutTest {

    private static float[][] random(SplittableRandom random, int rows, int cols, double scale) {
        float[][] x = new float[rows][cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                x[r][c] = (float) ((random.nextDouble() * 2 - 1) * scale * (1 + c % 5));
            }
        }
        return x;
    }


    @ParameterizedTest(name = "block {0} head {1}")
    // Small blocks shift the staging area up (a quantised pair outgrows two staged channels); the write path
    // asserts byte by byte that no quantised byte lands on a staged one not yet read.
    @CsvSource({"16, 64", "32, 128", "16, 80", "8, 33", "2, 7", "24, 96", "1, 64", "3, 128", "4, 96", "12, 128",
            "64, 256"})
    void fillingTheBlockQuantisesExactlyTheStagedKeysPerChannel(int blockSize, int headDim) {
        SplittableRandom random = new SplittableRandom(blockSize * 131L + headDim);
        Int4KiviLayout layout = new Int4KiviLayout(blockSize, headDim, 0);
        float[][] k = random(random, blockSize, headDim, 3);
        float[][] v = random(random, blockSize, headDim, 1);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment region = GarbageRegion.of(arena, layout.bytesPerHeadBlock(), random);
            float[][] staged = new float[blockSize][headDim];
            float[] ignored = new float[headDim];
            for (int t = 0; t < blockSize - 1; t++) {
                layout.write(region, t, k[t], 0, v[t], 0);
            }
            for (int t = 0; t < blockSize - 1; t++) {
                layout.read(region, t, staged[t], 0, ignored, 0);
            }
            staged[blockSize - 1] = k[blockSize - 1].clone();
            layout.write(region, blockSize - 1, k[blockSize - 1], 0, v[blockSize - 1], 0);

            // The out-of-place reference: the same per-channel quantisation of the staged values.
            float[] decoded = new float[headDim];
            for (int t = 0; t < blockSize; t++) {
                layout.read(region, t, decoded, 0, ignored, 0);
                for (int c = 0; c < headDim; c++) {
                    float min = Float.POSITIVE_INFINITY;
                    float max = Float.NEGATIVE_INFINITY;
                    for (float[] row : staged) {
                        min = Math.min(min, row[c]);
                        max = Math.max(max, row[c]);
                    }
                    short minBits = Half.saturate(min);
                    float scale = Int4Params.scale(minBits, max);
                    float base = Float.float16ToFloat(minBits);
                    float expected = base + scale * Int4Params.code(staged[t][c], scale, base);
                    assertThat(decoded[c]).as("slot %d channel %d", t, c).isEqualTo(expected);
                }
            }
        }
    }

    @ParameterizedTest(name = "block {0} head {1}")
    @CsvSource({"16, 64", "32, 128", "5, 33"})
    void aReusedRegionStagesAgainFromSlotZero(int blockSize, int headDim) {
        SplittableRandom random = new SplittableRandom(17);
        Int4KiviLayout layout = new Int4KiviLayout(blockSize, headDim, 0);
        float[][] first = random(random, blockSize, headDim, 100);
        float[][] second = random(random, blockSize, headDim, 0.01);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment region = GarbageRegion.of(arena, layout.bytesPerHeadBlock(), random);
            for (int t = 0; t < blockSize; t++) {
                layout.write(region, t, first[t], 0, first[t], 0);
            }
            int numSlots = blockSize / 2 + 1;
            for (int t = 0; t < numSlots; t++) {
                layout.write(region, t, second[t], 0, second[t], 0);
            }
            float[] k = new float[headDim];
            float[] v = new float[headDim];
            float[] q = new float[headDim];
            java.util.Arrays.fill(q, 1f);
            float[] scores = new float[numSlots];
            layout.keyScores(region, numSlots, q, 0, 1f, scores, 0);
            for (int t = 0; t < numSlots; t++) {
                layout.read(region, t, k, 0, v, 0);
                float absMax = 0f;
                double sum = 0;
                for (int c = 0; c < headDim; c++) {
                    absMax = Math.max(absMax, Math.abs(second[t][c]));
                    sum += k[c];
                }
                for (int c = 0; c < headDim; c++) {
                    assertThat(Math.abs(k[c] - second[t][c])).as("slot %d channel %d", t, c)
                            .isLessThanOrEqualTo(absMax / 254 * 1.0001f);
                }
                assertThat((double) scores[t]).isCloseTo(sum, org.assertj.core.data.Offset.offset(1e-4));
            }
        }
    }

    @ParameterizedTest(name = "block {0} head {1}")
    @CsvSource({"16, 64"})
    void writingAQuantisedBlockAgainOutOfOrderTripsTheAssertion(int blockSize, int headDim) {
        Int4KiviLayout layout = new Int4KiviLayout(blockSize, headDim, 0);
        float[] x = new float[headDim];
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment region = arena.allocate(layout.bytesPerHeadBlock(), 64);
            for (int t = 0; t < blockSize; t++) {
                layout.write(region, t, x, 0, x, 0);
            }
            assertThatThrownBy(() -> layout.write(region, 3, x, 0, x, 0)).isInstanceOf(AssertionError.class)
                    .hasMessageContaining("out of order");
        }
    }
}
