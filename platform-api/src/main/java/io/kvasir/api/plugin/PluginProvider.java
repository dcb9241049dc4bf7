package io.kvasir.api.plugin;

/**
 * A strategy's entry in the plugin registry. Implementations are registered in
 * {@code META-INF/services/<provider interface>} and need a public no-argument constructor.
 *
 * @param <T> what the provider creates
 */
public interface PluginProvider<T> {

    /** The stable name operators choose it by, e.g. {@code int8} or {@code vtc}; lowercase, no spaces. */
    String name();

    /** One or two sentences for the console and {@code ./kvasir plugins}. */
    String description();

    /** The typed configuration fields, with defaults, ranges and help text. */
    ConfigSchema configSchema();

    /**
     * Creates an instance.
     *
     * @param config values already validated against {@link #configSchema()}
     */
    T create(PluginConfig config);
}
