package io.kvasir.engine.kv.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class LongIntMapTest {

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
    @Property(tries = 300)
    void behavesLikeAHashMap(@ForAll("operations") List<long[]> operations) {
        int maxSize = 16;
        LongIntMap map = new LongIntMap(maxSize);
        Map<Long, Integer> reference = new HashMap<>();
        for (long[] op : operations) {
            long key = op[1];
            int value = (int) op[2];
            if (op[0] == 0) {
                if (reference.containsKey(key) || reference.size() < maxSize) {
                    Integer previous = reference.putIfAbsent(key, value);
                    assertThat(map.putIfAbsent(key, value)).isEqualTo(previous == null ? LongIntMap.ABSENT : previous);
                }
            } else {
                Integer removed = reference.remove(key);
                assertThat(map.remove(key)).isEqualTo(removed == null ? LongIntMap.ABSENT : removed);
            }
            assertThat(map.size()).isEqualTo(reference.size());
            for (long k = 0; k < 40; k++) {
                Integer expected = reference.get(k * 0x1000_0000_0000L);
                assertThat(map.get(k * 0x1000_0000_0000L)).isEqualTo(expected == null ? LongIntMap.ABSENT : expected);
            }
        }
    }

    @Provide
    Arbitrary<List<long[]>> operations() {
        Arbitrary<long[]> op = Arbitraries.integers().between(0, 1)
                .flatMap(kind -> Arbitraries.longs().between(0, 39)
                        .flatMap(k -> Arbitraries.integers().between(0, 1000)
                                .map(v -> new long[] {kind, k * 0x1000_0000_0000L, v})));
        return op.list().ofMaxSize(200);
    }
}
