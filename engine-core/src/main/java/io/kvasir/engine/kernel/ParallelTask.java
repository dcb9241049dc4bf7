package io.kvasir.engine.kernel;

/**
 * One parallel loop body: runs task {@code taskIndex} of a {@link ParallelExecutor#parallelFor} call.
 *
 * <p>{@code workerIndex} is in {@code [0, numThreads)} and is stable for the thread running the task (0 is
 * the calling thread), so an implementation can index per-thread scratch with it. Keep instances in
 * fields: a capturing lambda created per call allocates.
 */
@FunctionalInterface
public interface ParallelTask {

    /** Runs one task. */
    void run(int taskIndex, int workerIndex);
}
