package io.kvasir.plugins.eviction.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TopSlotsTest {

    @Test
    void keysOrderLikeFloatCompareThenBySlot() {
        float[] values = {Float.NEGATIVE_INFINITY, -3.5f, -1f, -Float.MIN_VALUE, -0f, 0f, Float.MIN_VALUE, 1f, 2.25f,
                Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NaN};
        for (int a = 0; a < values.length; a++) {
            for (int b = 0; b < values.length; b++) {
                int expected = Integer.signum(Float.compare(values[a], values[b]));
                assertThat(Integer.signum(Long.compare(TopSlots.key(values[a], 7), TopSlots.key(values[b], 9))))
                        .as("%s vs %s", values[a], values[b])
                        .isEqualTo(expected == 0 ? -1 : expected);
            }
        }
        assertThat(TopSlots.key(1f, Integer.MAX_VALUE)).isGreaterThan(TopSlots.key(1f, 0));
        assertThat((int) TopSlots.key(-2f, 12345)).isEqualTo(12345);
    }

    @ParameterizedTest
    @ValueSource(strings = {"random", "ascending", "descending", "organPipe", "sawtooth"})
    void partialSelectionPutsTheLargestValuesLast(String shape) {
        SplittableRandom random = new SplittableRandom(shape.hashCode());
        for (int round = 0; round < 300; round++) {
            int n = 1 + random.nextInt(round < 100 ? 20 : 3000);
            long[] values = shaped(shape, n, random);
            int k = random.nextInt(n + 1);
            long[] sorted = values.clone();
            Arrays.sort(sorted);

            TopSlots.selectLargest(values, n, k);

            long[] top = Arrays.copyOfRange(values, n - k, n);
            Arrays.sort(top);
            assertThat(top).as("%s n=%d k=%d", shape, n, k).containsExactly(Arrays.copyOfRange(sorted, n - k, n));
        }
    }

    private static long[] shaped(String shape, int n, SplittableRandom random) {
        // Distinct values, as the keys are.
        long[] values = new long[n];
        for (int i = 0; i < n; i++) {
            values[i] = switch (shape) {
                case "ascending" -> i;
                case "descending" -> n - i;
                case "organPipe" -> i < n / 2 ? 2L * i : 2L * (n - i) + 1;
                case "sawtooth" -> ((long) (i % 7) << 32) | i;
                default -> (random.nextLong() & ~0xffffffffL) | i;
            };
        }
        return values;
    }

    @Test
    void writesTheTopSlotsAscendingAfterTheOffsetWithTiesToTheRecent() {
        TopSlots topSlots = new TopSlots();
        float[] scores = {1f, 3f, 3f, 0f, 2f, 3f, -1f};
        int[] keep = {-7, -7, -7, -7, -7, -7};

        int end = topSlots.appendTop(scores, 7, 3, keep, 2);

        assertThat(end).isEqualTo(5);
        assertThat(keep).containsExactly(-7, -7, 1, 2, 5, -7);
    }

    @Test
    void matchesAFullSortOverRandomScoresWithManyTies() {
        TopSlots topSlots = new TopSlots();
        SplittableRandom random = new SplittableRandom(42);
        for (int round = 0; round < 500; round++) {
            int n = random.nextInt(2000);
            float[] scores = new float[n];
            for (int i = 0; i < n; i++) {
                scores[i] = random.nextBoolean() ? random.nextInt(4) : (float) random.nextGaussian();
            }
            int k = random.nextInt(n + 1);
            int[] keep = new int[n];

            int numKept = topSlots.appendTop(scores, n, k, keep, 0);

            int[] expected = IntStream.range(0, n).boxed()
                    .sorted(Comparator.<Integer>comparingDouble(i -> scores[i]).thenComparing(i -> i).reversed())
                    .limit(k).mapToInt(Integer::intValue).sorted().toArray();
            assertThat(Arrays.copyOf(keep, numKept)).as("round %d n=%d k=%d", round, n, k).containsExactly(expected);
        }
    }
}
