package io.kvasir.api.plugin;

/** Registers a {@link SchedulingPolicy} in {@code META-INF/services/io.kvasir.api.plugin.SchedulingPolicyProvider}. */
public interface SchedulingPolicyProvider extends PluginProvider<SchedulingPolicy> {
}
