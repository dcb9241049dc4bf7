package io.kvasir.engine.plugin;

import io.kvasir.api.plugin.PluginKind;

/** A plugin threw: while being created, or during an engine step. */
public final class PluginFailureException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final PluginKind kind;
    private final String name;

    public PluginFailureException(PluginKind kind, String name, String message, Throwable cause) {
        super(kind.id() + " plugin '" + name + "' " + message, cause);
        this.kind = kind;
        this.name = name;
    }

    public PluginKind kind() {
        return kind;
    }

    public String pluginName() {
        return name;
    }
}
