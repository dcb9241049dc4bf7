package io.kvasir.plugins.prefix.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.LongStream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The open-addressing maps agree with {@link HashMap} over random puts and removes (deletion shifts runs). */
class LongMapsTest {

    static LongStream seeds() {
        return LongStream.range(0, 20);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void longIntMapAgreesWithHashMap(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        LongIntMap map = new LongIntMap();
        Map<Long, Integer> expected = new HashMap<>();
        for (int step = 0; step < 5_000; step++) {
            long key = randomKey(random);
            switch (random.nextInt(3)) {
                case 0 -> {
                    int value = random.nextInt(1_000);
                    map.put(key, value);
                    expected.put(key, value);
                }
                case 1 -> assertThat(map.remove(key)).as("seed %d step %d", seed, step)
                        .isEqualTo(expected.containsKey(key) ? expected.remove(key) : LongIntMap.ABSENT);
                default -> assertThat(map.get(key)).as("seed %d step %d", seed, step)
                        .isEqualTo(expected.getOrDefault(key, LongIntMap.ABSENT));
            }
            assertThat(map.size()).isEqualTo(expected.size());
        }
        for (Map.Entry<Long, Integer> entry : expected.entrySet()) {
            assertThat(map.get(entry.getKey())).isEqualTo(entry.getValue());
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void longObjectMapAgreesWithHashMap(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        LongObjectMap<String> map = new LongObjectMap<>();
        Map<Long, String> expected = new HashMap<>();
        for (int step = 0; step < 5_000; step++) {
            long key = randomKey(random);
            switch (random.nextInt(3)) {
                case 0 -> {
                    String value = "v" + random.nextInt(1_000);
                    map.put(key, value);
                    expected.put(key, value);
                }
                case 1 -> assertThat(map.remove(key)).as("seed %d step %d", seed, step)
                        .isEqualTo(expected.remove(key) != null);
                default -> assertThat(map.get(key)).as("seed %d step %d", seed, step).isEqualTo(expected.get(key));
            }
            assertThat(map.size()).isEqualTo(expected.size());
        }
        assertThat(map.values()).containsExactlyInAnyOrderElementsOf(expected.values());
    }

    /** Small keys (long probe runs after growth), multiples of a power of two, and arbitrary ones. */
    private static long randomKey(SplittableRandom random) {
        return switch (random.nextInt(3)) {
            case 0 -> random.nextInt(200);
            case 1 -> (long) random.nextInt(200) << 40;
            default -> random.nextLong() | 1;
        };
    }
}
