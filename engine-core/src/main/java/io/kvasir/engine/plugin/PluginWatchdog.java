package io.kvasir.engine.plugin;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.jspecify.annotations.Nullable;

import io.kvasir.api.plugin.PluginKind;

/**
 * Bounds the time an engine's loop thread spends inside plugin calls and forward passes.
 *
 * <p>The loop thread marks each plugin call (through a {@link PluginGuard}) and each forward pass
 * ({@link #enterForward}, {@link #exit}) as a watched section: a sequence number and a deadline in volatile
 * fields. There is no thread hop and nothing is allocated, so guarding costs a clock read per call. A
 * watchdog thread polls the current section:
 * <ul>
 *   <li>a plugin call past the plugin timeout: the plugin is disabled (in its guard and, with the reason, in
 *       the {@link PluginRegistry}), counted, and the calling thread is interrupted. When the call returns,
 *       however it returns, the guard throws {@link PluginTimeoutException} and the call site falls back as
 *       for a throwing plugin; later calls to the plugin fail at once;</li>
 *   <li>a plugin call still running one more plugin timeout after the interrupt (it ignores interrupts), or
 *       a forward pass past the forward timeout (a stuck KV codec or kernel, where nothing can stand in):
 *       the thread is lost. The {@link Listener} is told, so the engine can fail its requests and report
 *       itself down; should the thread ever come back, it stops at the section's end with
 *       {@link AbandonedThreadError} and touches nothing.</li>
 * </ul>
 *
 * <p>Invariants: sections do not nest and run on one thread at a time; {@code state} is 0 outside sections,
 * the section's sequence number {@code s > 0} inside, and {@code -s} once the watchdog timed it out. Only
 * the watchdog moves {@code s} to {@code -s}, and it does so, disables the plugin, interrupts and declares
 * the thread lost while holding {@code lock}; a thread leaving a timed-out section takes {@code lock} before
 * going on, so it sees all of that.
 */
public final class PluginWatchdog implements AutoCloseable {

    /** What the watchdog reports to the engine. Called on the loop thread (throws) or the watchdog thread. */
    public interface Listener {

        /** A plugin threw during a step or timed out (a {@link PluginTimeoutException}); the registry counted it. */
        void pluginFailed(PluginFailureException failure);

        /** The watched thread is lost: it will not come back in time, maybe never. */
        void threadLost(RuntimeException failure);
    }

    private static final long MIN_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long MAX_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final PluginRegistry registry;
    private final Listener listener;
    private final long pluginTimeoutNanos;
    private final long forwardTimeoutNanos;
    private final long pollNanos;
    private final Object lock = new Object();
    private final AtomicLong state = new AtomicLong();
    private final Thread thread;
    private volatile long deadlineNanos;
    // Written by the watched thread before it publishes the section in `state`; read by the watchdog after.
    private @Nullable PluginGuard sectionGuard;
    private String sectionCall = "";
    private @Nullable Thread sectionThread;
    private long nextSequence = 1;
    // Watchdog thread only.
    private long graceDeadlineNanos;
    private volatile boolean lost;
    private volatile boolean closed;

    /**
     * A watchdog whose thread {@link #start} starts. Calls guarded before then are not timed.
     *
     * @param pluginTimeout how long one plugin call may take
     * @param forwardTimeout how long one forward pass may take; zero leaves forward passes unwatched
     */
    public PluginWatchdog(String threadName, PluginRegistry registry, Duration pluginTimeout, Duration forwardTimeout,
            Listener listener) {
        if (!pluginTimeout.isPositive()) {
            throw new IllegalArgumentException("pluginTimeout must be positive, got " + pluginTimeout);
        }
        if (forwardTimeout.isNegative()) {
            throw new IllegalArgumentException("forwardTimeout must not be negative, got " + forwardTimeout);
        }
        this.registry = registry;
        this.listener = listener;
        this.pluginTimeoutNanos = pluginTimeout.toNanos();
        this.forwardTimeoutNanos = forwardTimeout.toNanos();
        long shortest = forwardTimeoutNanos == 0 ? pluginTimeoutNanos : Math.min(pluginTimeoutNanos, forwardTimeoutNanos);
        this.pollNanos = Math.clamp(shortest / 4, MIN_POLL_NANOS, MAX_POLL_NANOS);
        this.thread = Thread.ofPlatform().name(threadName).daemon(true).unstarted(this::watch);
    }

    /** Starts the watchdog thread. */
    public void start() {
        thread.start();
    }

    /** A guard for the calls into one plugin instance. */
    public PluginGuard guard(PluginKind kind, String name) {
        return new PluginGuard(this, kind, name);
    }

    /** Whether the watchdog gave up on the watched thread. */
    public boolean isLost() {
        return lost;
    }

    /** Starts watching a forward pass (a no-op when forward passes are unwatched); end it with {@link #exit}. */
    public void enterForward() {
        if (forwardTimeoutNanos > 0) {
            begin(null, "forward", forwardTimeoutNanos);
        }
    }

    /** Ends a forward pass started with {@link #enterForward}. */
    public void exitForward() {
        if (forwardTimeoutNanos > 0) {
            exit();
        }
    }

    void enter(PluginGuard guard, String call) {
        begin(guard, call, pluginTimeoutNanos);
    }

    private void begin(@Nullable PluginGuard guard, String call, long timeoutNanos) {
        if (lost) {
            throw new AbandonedThreadError("the engine gave up on this thread");
        }
        assert state.get() == 0 : "watched sections do not nest (in " + sectionCall + ", entering " + call + ")";
        sectionGuard = guard;
        sectionCall = call;
        sectionThread = Thread.currentThread();
        deadlineNanos = System.nanoTime() + timeoutNanos;
        state.set(nextSequence++);
    }

    /**
     * Ends the current section.
     *
     * @throws PluginTimeoutException when the watchdog timed out the plugin call
     * @throws AbandonedThreadError when the watchdog gave up on this thread
     */
    void exit() {
        long s = state.getAndSet(0);
        if (s >= 0) {
            return;
        }
        PluginGuard guard;
        synchronized (lock) {
            // The watchdog interrupted this thread and, perhaps, declared it lost while holding the lock.
            guard = sectionGuard;
        }
        Thread.interrupted();
        if (lost || guard == null) {
            throw new AbandonedThreadError("the engine gave up on this thread while it was in " + sectionCall);
        }
        throw new PluginTimeoutException(guard.kind(), guard.name(), String.valueOf(guard.disabledReason()));
    }

    boolean inTimedOutSection() {
        return state.get() < 0;
    }

    void countFailure(PluginGuard guard, RuntimeException failure) {
        registry.countStepFailure(guard.kind(), guard.name());
        listener.pluginFailed(failure instanceof PluginFailureException known ? known
                : new PluginFailureException(guard.kind(), guard.name(), "failed in " + sectionCall + ": " + failure, failure));
    }

    private void watch() {
        while (!closed && !lost) {
            LockSupport.parkNanos(this, pollNanos);
            long s = state.get();
            long now = System.nanoTime();
            if (s > 0 && now - deadlineNanos > 0) {
                timeOut(s, now);
            } else if (s < 0 && now - graceDeadlineNanos > 0) {
                giveUp(-s);
            }
        }
    }

    private void timeOut(long s, long now) {
        RuntimeException lostFailure = null;
        synchronized (lock) {
            if (!state.compareAndSet(s, -s)) {
                return;
            }
            PluginGuard guard = sectionGuard;
            if (guard == null) {
                lost = true;
                lostFailure = new IllegalStateException("a forward pass did not finish within "
                        + millis(forwardTimeoutNanos) + " (a KV codec or kernel is stuck); the engine loop is lost");
            } else {
                String reason = "did not return from " + sectionCall + " within " + millis(pluginTimeoutNanos) + "; disabled";
                guard.disable(reason);
                registry.disable(guard.kind(), guard.name(), reason);
                registry.countStepFailure(guard.kind(), guard.name());
                listener.pluginFailed(new PluginTimeoutException(guard.kind(), guard.name(), reason));
                graceDeadlineNanos = now + pluginTimeoutNanos;
                Thread caller = sectionThread;
                if (caller != null) {
                    caller.interrupt();
                }
            }
        }
        if (lostFailure != null) {
            listener.threadLost(lostFailure);
        }
    }

    private void giveUp(long s) {
        PluginGuard guard;
        String call;
        synchronized (lock) {
            if (state.get() != -s || lost) {
                return;
            }
            lost = true;
            guard = sectionGuard;
            call = sectionCall;
        }
        // Only plugin calls have a grace period: a forward pass is lost as soon as it times out.
        assert guard != null;
        listener.threadLost(new PluginTimeoutException(guard.kind(), guard.name(), "did not return from " + call
                + " within " + millis(pluginTimeoutNanos) + ", nor after an interrupt; the engine loop is lost"));
    }

    private static String millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos) + " ms";
    }

    /** Stops the watchdog thread. Sections entered later are not watched. */
    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
    }
}
