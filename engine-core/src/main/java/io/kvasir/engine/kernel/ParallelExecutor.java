package io.kvasir.engine.kernel;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed pool of worker threads for data-parallel loops: {@link #parallelFor} runs tasks
 * {@code 0..numTasks-1} on the workers and the calling thread, which claim task indexes from a shared
 * counter until none are left, and returns when all have finished.
 *
 * <p>The threads are created once. A call allocates nothing: the task object is the caller's, and workers
 * are woken by a generation counter. Waiting threads spin, then yield, and only then park (consecutive
 * matrix multiplies of one forward pass follow each other within microseconds).
 *
 * <p>Invariants:
 * <ul>
 *   <li>one {@code parallelFor} at a time (a second concurrent or nested call fails fast);</li>
 *   <li>{@code numBusyWorkers == 0} and {@code task == null} between calls;</li>
 *   <li>a worker reads the call's fields only after seeing the new {@code generation}, which is written last.</li>
 * </ul>
 */
public final class ParallelExecutor implements AutoCloseable {

    /** How long a waiting thread spins before it starts yielding its core. */
    private static final long SPIN_NANOS = 50_000;
    /**
     * How long an idle worker waits (spinning, then yielding) for the next call before parking. Consecutive
     * products of one forward pass follow within microseconds; unparking costs tens of microseconds.
     */
    private static final long WORKER_WAIT_NANOS = 200_000;
    /**
     * How long the caller waits (spinning, then yielding) for the workers to finish before parking: longer
     * than most tasks, since parking and being woken cost a decode step 20-30% (measured: 155 products per
     * token, 42 ms per token with a 2 ms wait, 55 ms with 0.2 ms).
     */
    private static final long CALLER_WAIT_NANOS = 2_000_000;

    private final int numThreads;
    private final Worker[] workers;
    private final AtomicBoolean inCall = new AtomicBoolean();
    private final AtomicInteger nextTask = new AtomicInteger();
    private final AtomicInteger numBusyWorkers = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    private volatile long generation;
    private volatile boolean closed;
    private volatile Thread waitingCaller;
    private ParallelTask task;
    private int numTasks;

    /**
     * Starts {@code numThreads - 1} daemon worker threads (the caller of {@link #parallelFor} is the last).
     *
     * @param numThreads threads taking part in each loop, at least 1
     */
    public ParallelExecutor(int numThreads) {
        if (numThreads < 1) {
            throw new IllegalArgumentException("numThreads must be at least 1, got " + numThreads);
        }
        this.numThreads = numThreads;
        this.workers = new Worker[numThreads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker(i + 1);
            workers[i].start();
        }
    }

    /** A pool with one thread per available processor. */
    public static ParallelExecutor ofDefaults() {
        return new ParallelExecutor(Runtime.getRuntime().availableProcessors());
    }

    /** Threads taking part in each loop, the caller included. */
    public int numThreads() {
        return numThreads;
    }

    /**
     * Runs {@code task.run(i, worker)} for every {@code i} in {@code [0, numTasks)} and waits for all.
     * A failure in any task is rethrown here after every thread has stopped working on this call.
     *
     * @throws IllegalStateException if called while another call runs (including from inside a task) or after close
     */
    public void parallelFor(int numTasks, ParallelTask task) {
        if (numTasks < 0) {
            throw new IllegalArgumentException("numTasks must not be negative, got " + numTasks);
        }
        if (!inCall.compareAndSet(false, true)) {
            throw new IllegalStateException("parallelFor is already running (nested or concurrent call)");
        }
        try {
            if (closed) {
                throw new IllegalStateException("executor is closed");
            }
            if (workers.length == 0 || numTasks <= 1) {
                for (int i = 0; i < numTasks; i++) {
                    task.run(i, 0);
                }
                return;
            }
            runOnAllThreads(numTasks, task);
        } finally {
            inCall.set(false);
        }
    }

    private void runOnAllThreads(int numTasks, ParallelTask task) {
        this.task = task;
        this.numTasks = numTasks;
        nextTask.set(0);
        numBusyWorkers.set(workers.length);
        generation++;
        for (Worker worker : workers) {
            if (worker.parked) {
                LockSupport.unpark(worker);
            }
        }
        Throwable callerFailure = null;
        try {
            claimTasks(task, numTasks, 0);
        } catch (Throwable t) {
            callerFailure = t;
            nextTask.set(numTasks);
        }
        awaitWorkers();
        this.task = null;
        Throwable workerFailure = failure.getAndSet(null);
        Throwable first = callerFailure != null ? callerFailure : workerFailure;
        if (first instanceof RuntimeException e) {
            throw e;
        }
        if (first instanceof Error e) {
            throw e;
        }
        if (first != null) {
            throw new IllegalStateException("parallel task failed", first);
        }
    }

    private void claimTasks(ParallelTask task, int numTasks, int workerIndex) {
        for (int i = nextTask.getAndIncrement(); i < numTasks; i = nextTask.getAndIncrement()) {
            task.run(i, workerIndex);
        }
    }

    private void awaitWorkers() {
        long spinStart = System.nanoTime();
        while (numBusyWorkers.get() != 0) {
            long waited = System.nanoTime() - spinStart;
            if (waited < CALLER_WAIT_NANOS) {
                pause(waited);
                continue;
            }
            waitingCaller = Thread.currentThread();
            if (numBusyWorkers.get() != 0) {
                LockSupport.parkNanos(this, 1_000_000);
            }
        }
        waitingCaller = null;
    }

    /** Spins at first; later yields, so a thread of ours waiting for a core (on a busy machine) can run. */
    private static void pause(long waitedNanos) {
        if (waitedNanos < SPIN_NANOS) {
            Thread.onSpinWait();
        } else {
            Thread.yield();
        }
    }

    /** Stops the workers (they finish nothing further); later calls fail. Idempotent. */
    @Override
    public void close() {
        closed = true;
        for (Worker worker : workers) {
            LockSupport.unpark(worker);
        }
    }

    private final class Worker extends Thread {
        private final int workerIndex;
        private volatile boolean parked;

        Worker(int workerIndex) {
            super("kvasir-kernel-" + workerIndex);
            this.workerIndex = workerIndex;
            setDaemon(true);
        }

        @Override
        public void run() {
            // Not the current generation: a thread that starts after the first call must still join it.
            long seen = 0;
            while (awaitNextCall(seen)) {
                seen = generation;
                try {
                    claimTasks(task, numTasks, workerIndex);
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                    nextTask.set(Integer.MAX_VALUE / 2);
                }
                if (numBusyWorkers.decrementAndGet() == 0) {
                    Thread caller = waitingCaller;
                    if (caller != null) {
                        LockSupport.unpark(caller);
                    }
                }
            }
        }

        /** Waits until the generation moves past {@code seen}; false once closed with no call pending. */
        private boolean awaitNextCall(long seen) {
            long spinStart = System.nanoTime();
            while (generation == seen) {
                if (closed) {
                    return false;
                }
                long waited = System.nanoTime() - spinStart;
                if (waited < WORKER_WAIT_NANOS) {
                    pause(waited);
                    continue;
                }
                // Dekker-style handshake with runOnAllThreads: publish parked, then re-read generation.
                parked = true;
                if (generation == seen && !closed) {
                    LockSupport.park(this);
                }
                parked = false;
            }
            return true;
        }
    }
}
