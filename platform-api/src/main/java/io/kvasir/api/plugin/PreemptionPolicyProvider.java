package io.kvasir.api.plugin;

/** Registers a {@link PreemptionPolicy} in {@code META-INF/services/io.kvasir.api.plugin.PreemptionPolicyProvider}. */
public interface PreemptionPolicyProvider extends PluginProvider<PreemptionPolicy> {
}
