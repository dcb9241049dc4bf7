package io.kvasir.plugins.codec.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.kvasir.plugins.codec.TestBlock;

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

    private static float[] halves(float[] x) {
        float[] h = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            h[i] = Float.float16ToFloat(Half.saturate(x[i]));
        }
        return h;
    }

    @ParameterizedTest(name = "block {0} head {1}")
    @CsvSource({"16, 64", "32, 128", "16, 80", "8, 33", "2, 7", "24, 96", "1, 64", "3, 128", "4, 96", "12, 128",
            "64, 256", "16, 8"})
    void stagedKeysReadBackAsHalvesAndTheLastSlotQuantisesThemPerChannel(int blockSize, int headDim) {
        SplittableRandom random = new SplittableRandom(blockSize * 131L + headDim);
        Int4KiviLayout layout = new Int4KiviLayout(blockSize, headDim, 0);
        float[][] k = random(random, blockSize, headDim, 3);
        float[][] v = random(random, blockSize, headDim, 1);
        float[] decoded = new float[headDim];
        float[] ignored = new float[headDim];
        try (Arena arena = Arena.ofConfined()) {
            TestBlock block = new TestBlock(layout, blockSize, arena, random);
            for (int t = 0; t < blockSize - 1; t++) {
                block.write(t, k[t], 0, v[t], 0);
                for (int s = 0; s <= t; s++) {
                    block.read(s, decoded, 0, ignored, 0);
                    assertThat(decoded).as("staged slot %d", s).containsExactly(halves(k[s]));
                }
            }
            block.write(blockSize - 1, k[blockSize - 1], 0, v[blockSize - 1], 0);
            assertThat(block.staging().byteSize()).isZero();

            // The reference: each channel quantised over the staged halves and the last key, f16 scale rounded up.
            float[][] staged = new float[blockSize][];
            for (int t = 0; t < blockSize; t++) {
                staged[t] = t < blockSize - 1 ? halves(k[t]) : k[t];
            }
            for (int t = 0; t < blockSize; t++) {
                block.read(t, decoded, 0, ignored, 0);
                for (int c = 0; c < headDim; c++) {
                    float min = Float.POSITIVE_INFINITY;
                    float max = Float.NEGATIVE_INFINITY;
                    for (float[] row : staged) {
                        min = Math.min(min, row[c]);
                        max = Math.max(max, row[c]);
                    }
                    int params = Int4Params.of(min, max);
                    float scale = Float.float16ToFloat(Int4Params.scaleBits(params));
                    float base = Float.float16ToFloat(Int4Params.minBits(params));
                    float expected = base + scale * Int4Params.code(staged[t][c], scale, base);
                    assertThat(decoded[c]).as("slot %d channel %d", t, c).isEqualTo(expected);
                }
            }
        }
    }

    @ParameterizedTest(name = "block {0} head {1}")
    @CsvSource({"16, 64", "32, 128", "5, 33", "16, 8"})
    void aReusedBlockStagesAgainFromSlotZero(int blockSize, int headDim) {
        SplittableRandom random = new SplittableRandom(17);
        Int4KiviLayout layout = new Int4KiviLayout(blockSize, headDim, 0);
        float[][] first = random(random, blockSize, headDim, 100);
        float[][] second = random(random, blockSize, headDim, 0.01);
        try (Arena arena = Arena.ofConfined()) {
            TestBlock block = new TestBlock(layout, blockSize, arena, random);
            for (int t = 0; t < blockSize; t++) {
                block.write(t, first[t], 0, first[t], 0);
            }
            int numSlots = blockSize / 2 + 1;
            for (int t = 0; t < numSlots; t++) {
                block.write(t, second[t], 0, second[t], 0);
            }
            float[] k = new float[headDim];
            float[] v = new float[headDim];
            float[] q = new float[headDim];
            java.util.Arrays.fill(q, 1f);
            float[] scores = new float[numSlots];
            block.keyScores(numSlots, q, 0, 1f, scores, 0);
            for (int t = 0; t < numSlots; t++) {
                block.read(t, k, 0, v, 0);
                assertThat(k).containsExactly(halves(second[t]));
                double sum = 0;
                for (int c = 0; c < headDim; c++) {
                    sum += k[c];
                }
                assertThat((double) scores[t]).isCloseTo(sum, org.assertj.core.data.Offset.offset(1e-5));
            }
        }
    }

    @Test
    void writingWithoutStagingIsRefusedWithWhatItNeeds() {
        Int4KiviLayout layout = new Int4KiviLayout(16, 64, 0);
        float[] x = new float[64];
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment region = arena.allocate(layout.bytesPerHeadBlock(), 64);
            assertThatThrownBy(() -> layout.write(region, 3, x, 0, x, 0)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("staging").hasMessageContaining("2048 bytes");
        }
    }

    @Test
    void blocksOfOneSlotNeedNoStaging() {
        Int4KiviLayout layout = new Int4KiviLayout(1, 8, 0);
        float[] k = {1, -2, 3, -4, 5, -6, 7, -8};
        float[] decoded = new float[8];
        float[] v = new float[8];
        assertThat(layout.stagingBytesPerHeadBlock()).isZero();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment region = arena.allocate(layout.bytesPerHeadBlock(), 64);
            layout.write(region, 0, k, 0, k, 0);
            layout.read(region, 0, decoded, 0, v, 0);
            // One token per channel: min is the value itself, so it decodes to its f16 rounding.
            assertThat(decoded).containsExactly(k);
        }
    }
}
