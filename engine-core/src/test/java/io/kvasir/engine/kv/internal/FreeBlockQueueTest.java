package io.kvasir.engine.kv.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class FreeBlockQueueTest {

    @Test
    void startsWithEveryBlockInIdOrder() {
        FreeBlockQueue queue = new FreeBlockQueue(4);

        assertThat(queue.size()).isEqualTo(4);
        assertThat(order(queue)).containsExactly(0, 1, 2, 3);
    }

    @Test
    void pollsFromTheFrontAndAppendsAtTheBack() {
        FreeBlockQueue queue = new FreeBlockQueue(3);

        int first = queue.pollFirst();
        queue.addLast(first);

        assertThat(first).isZero();
        assertThat(order(queue)).containsExactly(1, 2, 0);
    }

    @Test
    void removesFromTheMiddleKeepingTheOthersInOrder() {
        FreeBlockQueue queue = new FreeBlockQueue(5);

        queue.remove(2);

        assertThat(queue.contains(2)).isFalse();
        assertThat(queue.size()).isEqualTo(4);
        assertThat(order(queue)).containsExactly(0, 1, 3, 4);
    }

    @Test
    void removesTheOnlyBlockAndBecomesEmpty() {
        FreeBlockQueue queue = new FreeBlockQueue(1);

        queue.remove(0);

        assertThat(queue.size()).isZero();
        assertThat(queue.first()).isEqualTo(FreeBlockQueue.NONE);
        assertThat(queue.pollFirst()).isEqualTo(FreeBlockQueue.NONE);
        queue.addLast(0);
        assertThat(order(queue)).containsExactly(0);
    }

    @Test
    void refusesToQueueABlockTwiceOrRemoveAnAbsentOne() {
        FreeBlockQueue queue = new FreeBlockQueue(2);

        assertThatIllegalStateException().isThrownBy(() -> queue.addLast(1)).withMessageContaining("already");
        queue.remove(1);
        assertThatIllegalStateException().isThrownBy(() -> queue.remove(1)).withMessageContaining("not in");
    }

    @Test
    void rejectsAnEmptyPool() {
        assertThatIllegalArgumentException().isThrownBy(() -> new FreeBlockQueue(0)).withMessageContaining("numBlocks");
    }

    private static List<Integer> order(FreeBlockQueue queue) {
        List<Integer> order = new ArrayList<>();
        for (int b = queue.first(); b != FreeBlockQueue.NONE; b = queue.next(b)) {
            order.add(b);
        }
        return order;
    }
}
