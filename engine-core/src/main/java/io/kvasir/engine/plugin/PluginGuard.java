package io.kvasir.engine.plugin;

import org.jspecify.annotations.Nullable;

import io.kvasir.api.plugin.PluginKind;

/**
 * Brackets every call into one plugin instance: the {@link PluginWatchdog} bounds its time, and failures are
 * counted. A guarded call reads:
 *
 * <pre>{@code
 * guard.enter("pickNext");
 * try {
 *     return policy.pickNext(waiting, now);
 * } catch (RuntimeException e) {
 *     throw guard.failed(e);
 * } finally {
 *     guard.exit();
 * }
 * }</pre>
 *
 * <p>Once the plugin timed out it is disabled: {@link #enter} throws a {@link PluginFailureException} with
 * {@link PluginFailureException#pluginDisabled()} set, without calling it, so call sites fall back for good.
 * Used by one thread at a time (the engine loop); {@link #disable} comes from the watchdog thread.
 */
public final class PluginGuard {

    private final PluginWatchdog watchdog;
    private final PluginKind kind;
    private final String name;
    private volatile @Nullable String disabledReason;

    PluginGuard(PluginWatchdog watchdog, PluginKind kind, String name) {
        this.watchdog = watchdog;
        this.kind = kind;
        this.name = name;
    }

    public PluginKind kind() {
        return kind;
    }

    public String name() {
        return name;
    }

    /** Whether the plugin timed out and is no longer called. */
    public boolean isDisabled() {
        return disabledReason != null;
    }

    /** Why the plugin was disabled, or null. */
    public @Nullable String disabledReason() {
        return disabledReason;
    }

    /**
     * Starts a call to the plugin's method {@code call} (a constant: nothing is allocated).
     *
     * @throws PluginFailureException when the plugin is disabled
     */
    public void enter(String call) {
        String reason = disabledReason;
        if (reason != null) {
            throw new PluginFailureException(kind, name, "is disabled: " + reason, null, true);
        }
        watchdog.enter(this, call);
    }

    /**
     * Ends the call started by {@link #enter}.
     *
     * @throws PluginTimeoutException when the watchdog timed the call out (whatever it returned is discarded)
     * @throws AbandonedThreadError when the watchdog gave up on this thread
     */
    public void exit() {
        watchdog.exit();
    }

    /** Counts an exception the plugin threw (unless the call had timed out: that is counted once) and returns it. */
    public RuntimeException failed(RuntimeException failure) {
        if (!watchdog.inTimedOutSection()) {
            watchdog.countFailure(this, failure);
        }
        return failure;
    }

    void disable(String reason) {
        disabledReason = reason;
    }
}
