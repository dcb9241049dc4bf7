package io.kvasir.api.plugin;

/** Registers a {@link PrefixIndex} in {@code META-INF/services/io.kvasir.api.plugin.PrefixIndexProvider}. */
public interface PrefixIndexProvider extends PluginProvider<PrefixIndex> {
}
