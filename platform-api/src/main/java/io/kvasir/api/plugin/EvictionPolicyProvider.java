package io.kvasir.api.plugin;

/** Registers an {@link EvictionPolicy} in {@code META-INF/services/io.kvasir.api.plugin.EvictionPolicyProvider}. */
public interface EvictionPolicyProvider extends PluginProvider<EvictionPolicy> {
}
