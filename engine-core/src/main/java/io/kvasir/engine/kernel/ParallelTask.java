package io.kvasir.engine.kernel;

/** TEMPORARY stand-in until the kernels branch lands. */
public interface ParallelTask {
    void run(int taskIndex, int workerIndex);
}
