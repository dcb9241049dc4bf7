package io.kvasir.plugins.scheduling.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.kvasir.api.plugin.SchedulingPolicy;
import io.kvasir.plugins.scheduling.TestRequest;

/** {@code pickNext} allocates nothing per call for requests the policy was told about. */
class PickNextAllocationTest {

    private static final int NUM_CALLS = 20_000;

    private static long bytesAllocatedByPicks(SchedulingPolicy policy) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        List<TestRequest> waiting = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            TestRequest request = TestRequest.of("r" + i, "t" + (i % 5)).withPriority(i % 3).withCached(i * 7 % 40);
            policy.onArrival(request, 0);
            waiting.add(request);
        }
        int sink = 0;
        for (int i = 0; i < NUM_CALLS; i++) {
            sink += policy.pickNext(waiting, i);
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < NUM_CALLS; i++) {
            sink += policy.pickNext(waiting, i);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(sink).isGreaterThanOrEqualTo(0);
        return allocated;
    }

    @Test
    void noPolicyAllocatesPerPick() {
        // A few hundred bytes of slack for whatever the measurement itself costs; one object per call would be 320 kB.
        assertThat(bytesAllocatedByPicks(new FcfsPolicy())).as("fcfs").isLessThan(1024);
        assertThat(bytesAllocatedByPicks(new PriorityPolicy())).as("priority").isLessThan(1024);
        assertThat(bytesAllocatedByPicks(new LongestPrefixMatchPolicy(1_000_000))).as("lpm").isLessThan(1024);
        assertThat(bytesAllocatedByPicks(new VirtualTokenCounterPolicy(1, 2, 0.25))).as("vtc").isLessThan(1024);
    }
}
