package io.kvasir.api.plugin;

/** Registers an {@link OffloadTier} in {@code META-INF/services/io.kvasir.api.plugin.OffloadTierProvider}. */
public interface OffloadTierProvider extends PluginProvider<OffloadTier> {
}
