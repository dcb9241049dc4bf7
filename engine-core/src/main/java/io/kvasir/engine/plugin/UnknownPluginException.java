package io.kvasir.engine.plugin;

import java.util.List;

import org.jspecify.annotations.Nullable;

import io.kvasir.api.plugin.PluginKind;

/** No usable provider has this name; the message lists the known ones (and why this one is unavailable, if it failed to load or was disabled). */
public final class UnknownPluginException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public UnknownPluginException(PluginKind kind, String name, List<String> known, @Nullable String failure) {
        super(failure != null
                ? kind.id() + " plugin '" + name + "' is unavailable: " + failure
                : "unknown " + kind.id() + " plugin '" + name + "' (known: " + String.join(", ", known) + ")");
    }
}
