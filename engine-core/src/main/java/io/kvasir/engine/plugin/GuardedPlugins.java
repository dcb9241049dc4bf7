package io.kvasir.engine.plugin;

import io.kvasir.api.plugin.EvictionPolicy;
import io.kvasir.api.plugin.OffloadTier;
import io.kvasir.api.plugin.PreemptionPolicy;
import io.kvasir.api.plugin.PrefixIndex;
import io.kvasir.api.plugin.SchedulingPolicy;

/**
 * Wraps plugin instances so that each call goes through a {@link PluginGuard}: bounded by the
 * {@link PluginWatchdog}'s timeout, counted when it throws, refused once the plugin is disabled. The wrappers
 * change no result; a failure reaches the caller as the plugin's exception or a {@link PluginFailureException}.
 *
 * <p>KV codecs are not wrapped: their layouts run per token and head inside the forward pass, on the kernel
 * workers, where a guard per call would cost more than the work; the watchdog bounds the forward pass as a
 * whole instead.
 */
public final class GuardedPlugins {

    private GuardedPlugins() {
    }

    public static SchedulingPolicy scheduling(SchedulingPolicy policy, PluginGuard guard) {
        return new GuardedSchedulingPolicy(policy, guard);
    }

    public static EvictionPolicy eviction(EvictionPolicy policy, PluginGuard guard) {
        return new GuardedEvictionPolicy(policy, guard);
    }

    public static PrefixIndex prefixIndex(PrefixIndex index, PluginGuard guard) {
        return new GuardedPrefixIndex(index, guard);
    }

    public static PreemptionPolicy preemption(PreemptionPolicy policy, PluginGuard guard) {
        return new GuardedPreemptionPolicy(policy, guard);
    }

    public static OffloadTier offloadTier(OffloadTier tier, PluginGuard guard) {
        return new GuardedOffloadTier(tier, guard);
    }
}
