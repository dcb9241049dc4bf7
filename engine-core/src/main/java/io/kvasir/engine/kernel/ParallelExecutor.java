package io.kvasir.engine.kernel;

/** TEMPORARY stand-in until the kernels branch lands. */
public final class ParallelExecutor implements AutoCloseable {
    private final int numThreads;
    public ParallelExecutor(int numThreads) { this.numThreads = numThreads; }
    public int numThreads() { return numThreads; }
    public void parallelFor(int numTasks, ParallelTask task) {
        for (int i = 0; i < numTasks; i++) task.run(i, i % numThreads);
    }
    @Override public void close() {}
}
