package io.kvasir.engine.plugin;

import org.jspecify.annotations.Nullable;

import io.kvasir.api.plugin.ConfigSchema;
import io.kvasir.api.plugin.PluginKind;

/**
 * One provider as the registry knows it.
 *
 * @param kind its kind
 * @param name its name (for a provider that failed before it could say, the class name)
 * @param description its description, or the failure's
 * @param schema its configuration fields (empty when it failed to load)
 * @param source the jar or directory it came from
 * @param state whether it can be used
 * @param failure why it cannot (it failed to load, or was disabled after it hung during a step), or null
 * @param numStepFailures how often it threw or timed out during an engine step (and was replaced by the default)
 */
public record PluginStatus(PluginKind kind, String name, String description, ConfigSchema schema, String source,
        State state, @Nullable String failure, long numStepFailures) {

    /** Whether a provider can be used. */
    public enum State { ACTIVE, FAILED }
}
