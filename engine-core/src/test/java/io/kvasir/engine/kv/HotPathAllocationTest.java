package io.kvasir.engine.kv;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.Arrays;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The per-token and per-block operations allocate nothing on the heap, measured with the JVM's
 * per-thread allocation counter.
 */
class HotPathAllocationTest {

    private static final int ROUNDS = 8;

    @Test
    void decodeStepsCopyOnWriteFreeAndCacheHitsAllocateNothing() {
        com.sun.management.ThreadMXBean threads = allocationCounter();
        long[] allocated = new long[ROUNDS];
        for (int round = 0; round < ROUNDS; round++) {
            // Everything a round allocates by design (handles, tables) happens before the counter is read.
            KvCacheManager manager = new KvCacheManager(new BlockPool(256, 4), () -> 0L);
            BlockPool pool = manager.pool();
            KvSequence parent = manager.createSequence("a");
            manager.allocateSlots(parent, 6);
            KvSequence child = manager.fork(parent);
            int[] ids = new int[8];

            long before = threads.getCurrentThreadAllocatedBytes();
            manager.allocateSlots(child, 1);
            for (int token = 0; token < 24; token++) {
                manager.allocateSlots(parent, 1);
                manager.allocateSlots(child, 1);
            }
            manager.cacheFullBlock(parent, 0, 11L);
            manager.pendingCopies().clear();
            manager.free(child);
            manager.free(parent);
            int hit = pool.lookup(11L);
            pool.touch(hit);
            pool.free(hit);
            pool.allocate(8, ids, 0);
            for (int id : ids) {
                pool.free(id);
            }
            allocated[round] = threads.getCurrentThreadAllocatedBytes() - before;
        }
        // The first round may load classes and resolve call sites; later rounds must be clean.
        // A JIT recompilation on a loaded machine may allocate in one round; an allocating path allocates in all.
        assertThat(Arrays.stream(allocated, ROUNDS / 2, ROUNDS).min().orElseThrow())
                .as("fewest bytes allocated in a late round: %s", Arrays.toString(allocated)).isZero();
    }

    private static com.sun.management.ThreadMXBean allocationCounter() {
        boolean supported = ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads
                && threads.isThreadAllocatedMemorySupported();
        Assumptions.assumeTrue(supported, "this JVM does not count allocated bytes per thread");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        threads.setThreadAllocatedMemoryEnabled(true);
        return threads;
    }
}
