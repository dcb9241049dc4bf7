package io.kvasir.engine.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.Set;

import org.junit.jupiter.api.Test;

class ParallelExecutorTest {

    @Test
    void runsEveryTaskExactlyOnceAcrossManyCalls() {
        try (ParallelExecutor executor = new ParallelExecutor(3)) {
            for (int call = 0; call < 2000; call++) {
                int numTasks = call % 23;
                AtomicIntegerArray runs = new AtomicIntegerArray(Math.max(1, numTasks));
                executor.parallelFor(numTasks, (task, worker) -> runs.incrementAndGet(task));
                for (int t = 0; t < numTasks; t++) {
                    assertThat(runs.get(t)).as("call %d task %d", call, t).isEqualTo(1);
                }
            }
        }
    }

    @Test
    void everyWorkerJoinsTheFirstCall() throws InterruptedException {
        int numThreads = 4;
        try (ParallelExecutor executor = new ParallelExecutor(numThreads)) {
            CountDownLatch allArrived = new CountDownLatch(numThreads);
            Set<Integer> workers = ConcurrentHashMap.newKeySet();
            // Each task waits for all threads to hold one, so the call only completes if every worker joins.
            executor.parallelFor(numThreads, (task, worker) -> {
                workers.add(worker);
                allArrived.countDown();
                try {
                    allArrived.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertThat(allArrived.getCount()).isZero();
            assertThat(workers).containsExactlyInAnyOrder(0, 1, 2, 3);
        }
    }

    @Test
    void wakesParkedWorkersForLaterCalls() throws InterruptedException {
        try (ParallelExecutor executor = new ParallelExecutor(2)) {
            for (int round = 0; round < 3; round++) {
                // Long enough idle for the workers to stop spinning and park.
                Thread.sleep(20);
                CountDownLatch bothArrived = new CountDownLatch(2);
                executor.parallelFor(2, (task, worker) -> {
                    bothArrived.countDown();
                    try {
                        bothArrived.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                assertThat(bothArrived.getCount()).as("round %d", round).isZero();
            }
        }
    }

    @Test
    void rethrowsTaskFailuresAfterTheCallSettles() {
        try (ParallelExecutor executor = new ParallelExecutor(2)) {
            assertThatThrownBy(() -> executor.parallelFor(50, (task, worker) -> {
                if (task == 17) {
                    throw new IllegalStateException("task 17 failed");
                }
            })).isInstanceOf(IllegalStateException.class).hasMessage("task 17 failed");
            AtomicIntegerArray runs = new AtomicIntegerArray(10);
            executor.parallelFor(10, (task, worker) -> runs.incrementAndGet(task));
            for (int t = 0; t < 10; t++) {
                assertThat(runs.get(t)).isEqualTo(1);
            }
        }
    }

    @Test
    void rejectsNestedCalls() {
        try (ParallelExecutor executor = new ParallelExecutor(2)) {
            assertThatThrownBy(() -> executor.parallelFor(1, (task, worker) -> executor.parallelFor(1, (t, w) -> { })))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("already running");
        }
    }

    @Test
    void singleThreadRunsInlineOnTheCaller() {
        try (ParallelExecutor executor = new ParallelExecutor(1)) {
            Thread caller = Thread.currentThread();
            executor.parallelFor(5, (task, worker) -> {
                assertThat(Thread.currentThread()).isSameAs(caller);
                assertThat(worker).isZero();
            });
        }
    }

    @Test
    void rejectsCallsAfterCloseAndBadArguments() {
        ParallelExecutor executor = new ParallelExecutor(2);
        executor.close();
        assertThatThrownBy(() -> executor.parallelFor(3, (task, worker) -> { }))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> new ParallelExecutor(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
