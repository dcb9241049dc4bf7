package io.kvasir.engine.plugin;

import io.kvasir.api.plugin.PluginKind;

/**
 * A plugin call did not return within the engine's plugin timeout. The plugin is disabled from then on
 * ({@link #pluginDisabled()} is true); whatever the call returned late is discarded.
 */
public final class PluginTimeoutException extends PluginFailureException {

    private static final long serialVersionUID = 1L;

    public PluginTimeoutException(PluginKind kind, String name, String message) {
        super(kind, name, message, null, true);
    }
}
