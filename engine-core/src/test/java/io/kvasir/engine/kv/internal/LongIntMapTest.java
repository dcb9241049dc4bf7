package io.kvasir.engine.kv.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

import io.kvasir.engine.testing.SeededRuns;
import io.kvasir.engine.testing.SeededRuns.Run;
import org.junit.jupiter.api.Test;

class LongIntMapTest {

    private static final int NUM_RUNS = 300;
    private static final int NUM_KEYS = 40;
    /** Keys far apart whose low bits are all zero, so a weak hash would pile them into one probe run. */
    private static final long KEY_STRIDE = 0x1000_0000_0000L;

    @Test
    void storesTheFirstValueForAKeyAndReportsItAfterwards() {
        LongIntMap map = new LongIntMap(4);

        assertThat(map.putIfAbsent(42L, 7)).isEqualTo(LongIntMap.ABSENT);
        assertThat(map.putIfAbsent(42L, 9)).isEqualTo(7);
        assertThat(map.get(42L)).isEqualTo(7);
        assertThat(map.get(43L)).isEqualTo(LongIntMap.ABSENT);
        assertThat(map.size()).isEqualTo(1);
    }

    @Test
    void removesAndForgets() {
        LongIntMap map = new LongIntMap(4);
        map.putIfAbsent(-1L, 3);

        assertThat(map.remove(-1L)).isEqualTo(3);
        assertThat(map.remove(-1L)).isEqualTo(LongIntMap.ABSENT);
        assertThat(map.get(-1L)).isEqualTo(LongIntMap.ABSENT);
        assertThat(map.size()).isZero();
    }

    @Test
    void refusesToGrowPastMaxSize() {
        LongIntMap map = new LongIntMap(2);
        map.putIfAbsent(1L, 1);
        map.putIfAbsent(2L, 2);

        assertThatIllegalStateException().isThrownBy(() -> map.putIfAbsent(3L, 3)).withMessageContaining("full");
        assertThat(map.putIfAbsent(2L, 5)).isEqualTo(2);
    }

    @Test
    void rejectsNegativeValues() {
        assertThatIllegalArgumentException().isThrownBy(() -> new LongIntMap(2).putIfAbsent(1L, -1));
    }

    /** Few distinct keys in a small table: long probe runs, wrap-around and backward shifts all happen. */
    @Test
    void behavesLikeAHashMap() {
        SeededRuns.check(NUM_RUNS, LongIntMapTest::runRandomOperations)
                .requireShare("table filled to maxSize", 0.20)
                .requireShare("removed a present key", 0.50);
    }

    private static void runRandomOperations(Run run) {
        SplittableRandom random = run.random();
        int maxSize = 16;
        int numOps = run.intBetween(0, 200);
        LongIntMap map = new LongIntMap(maxSize);
        Map<Long, Integer> reference = new HashMap<>();
        boolean filled = false;
        boolean removedPresent = false;
        for (int i = 0; i < numOps; i++) {
            boolean put = random.nextBoolean();
            long key = random.nextInt(NUM_KEYS) * KEY_STRIDE;
            int value = random.nextInt(1_001);
            run.step(i, numOps, (put ? "putIfAbsent(" + key + ", " + value : "remove(" + key) + ")");
            if (put) {
                if (reference.containsKey(key) || reference.size() < maxSize) {
                    Integer previous = reference.putIfAbsent(key, value);
                    assertThat(map.putIfAbsent(key, value)).isEqualTo(previous == null ? LongIntMap.ABSENT : previous);
                }
            } else {
                Integer removed = reference.remove(key);
                assertThat(map.remove(key)).isEqualTo(removed == null ? LongIntMap.ABSENT : removed);
                removedPresent |= removed != null;
            }
            filled |= reference.size() == maxSize;
            assertThat(map.size()).isEqualTo(reference.size());
            for (long k = 0; k < NUM_KEYS; k++) {
                Integer expected = reference.get(k * KEY_STRIDE);
                assertThat(map.get(k * KEY_STRIDE)).isEqualTo(expected == null ? LongIntMap.ABSENT : expected);
            }
        }
        run.classify("table filled to maxSize", filled);
        run.classify("removed a present key", removedPresent);
    }
}
