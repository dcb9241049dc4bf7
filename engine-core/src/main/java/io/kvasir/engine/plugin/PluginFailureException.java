package io.kvasir.engine.plugin;

import org.jspecify.annotations.Nullable;

import io.kvasir.api.plugin.PluginKind;

/**
 * A plugin failed: it threw while being created or during an engine step, it did not return in time
 * ({@link PluginTimeoutException}), or it was called after it had been disabled.
 *
 * <p>{@link #pluginDisabled()} tells a call site whether the plugin will be called again: when true, every
 * later call fails at once, so the caller should switch to its fallback for good.
 */
public sealed class PluginFailureException extends RuntimeException permits PluginTimeoutException {

    private static final long serialVersionUID = 1L;

    private final PluginKind kind;
    private final String name;
    private final boolean pluginDisabled;

    public PluginFailureException(PluginKind kind, String name, String message, @Nullable Throwable cause) {
        this(kind, name, message, cause, false);
    }

    PluginFailureException(PluginKind kind, String name, String message, @Nullable Throwable cause, boolean pluginDisabled) {
        super(kind.id() + " plugin '" + name + "' " + message, cause);
        this.kind = kind;
        this.name = name;
        this.pluginDisabled = pluginDisabled;
    }

    public PluginKind kind() {
        return kind;
    }

    public String pluginName() {
        return name;
    }

    /** Whether the plugin is disabled for the rest of the engine's life (a timeout, or a call after one). */
    public boolean pluginDisabled() {
        return pluginDisabled;
    }
}
