package io.kvasir.plugins.eviction;

import static io.kvasir.plugins.eviction.EvictionFixtures.policy;
import static io.kvasir.plugins.eviction.EvictionFixtures.range;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.SplittableRandom;

import io.kvasir.api.plugin.EvictionPolicy;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Once its scratch has grown to the largest cache, select allocates nothing, measured per thread. */
class EvictionAllocationTest {

    private static final int ROUNDS = 8;

    @Test
    void selectAllocatesNothingOnceWarm() {
        com.sun.management.ThreadMXBean threads = allocationCounter();
        EvictionPolicy[] policies = {
                policy(new NoEvictionProvider()),
                policy(new StreamingLlmProvider(), "evict_chunk", 0),
                policy(new HeavyHitterProvider(), "evict_chunk", 0),
                policy(new SnapKvProvider(), "evict_chunk", 0),
                policy(new SnapKvProvider(), "evict_chunk", 0, "kernel_size", 7, "pooling", "avg"),
                policy(new SnapKvProvider(), "evict_chunk", 0, "kernel_size", 7, "pooling", "max")};
        int[] positions = range(0, 4096);
        float[] scores = new float[4096];
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < scores.length; i++) {
            scores[i] = (float) random.nextDouble();
        }
        int[] keep = new int[4096];
        long[] allocated = new long[ROUNDS];
        int checksum = 0;
        for (int round = 0; round < ROUNDS; round++) {
            long before = threads.getCurrentThreadAllocatedBytes();
            // An array, not a list: the list's iterator would be the only allocation measured.
            for (EvictionPolicy policy : policies) {
                for (int numSlots = 1; numSlots <= 4096; numSlots *= 2) {
                    checksum += policy.select(numSlots, positions, scores, true, keep);
                    checksum += policy.select(numSlots, positions, scores, false, keep);
                }
            }
            allocated[round] = threads.getCurrentThreadAllocatedBytes() - before;
        }
        assertThat(checksum).isPositive();
        // The first round grows the scratch arrays and may resolve call sites; later rounds must be clean.
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
