package io.kvasir.engine.loop;

import java.util.function.BiFunction;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

import io.kvasir.api.plugin.EvictionPolicy;
import io.kvasir.api.plugin.PluginKind;
import io.kvasir.api.plugin.PreemptionPolicy;
import io.kvasir.api.plugin.SchedulingPolicy;
import io.kvasir.engine.plugin.GuardedPlugins;
import io.kvasir.engine.plugin.PluginGuard;
import io.kvasir.engine.plugin.PluginRegistry;

/**
 * The plugin instances behind a {@link LiveConfig}: created and validated on the caller's thread, so that a bad
 * name or configuration fails there and never inside a step, then installed by the loop between two steps.
 *
 * <p>Invariant: {@code evictor} is null exactly when the eviction choice is {@code none}.
 */
final class LivePolicies {

    final LiveConfig config;
    final SchedulingPolicy scheduling;
    final @Nullable SequenceEvictor evictor;
    final PreemptionPolicy preemption;

    private LivePolicies(LiveConfig config, SchedulingPolicy scheduling, @Nullable SequenceEvictor evictor,
            PreemptionPolicy preemption) {
        this.config = config;
        this.scheduling = scheduling;
        this.evictor = evictor;
        this.preemption = preemption;
    }

    /**
     * Creates the policies a live configuration names.
     *
     * @param prefixCaching whether the engine caches prefixes (eviction then must be {@code none})
     * @param guardOf the guard (timeout, failure counting) each created plugin is wrapped in
     * @param evictorOf wraps an eviction policy for the engine's KV cache
     * @throws io.kvasir.engine.plugin.UnknownPluginException for an unknown name
     * @throws io.kvasir.api.plugin.InvalidConfigException for a configuration that does not fit its schema
     * @throws IllegalArgumentException for eviction together with prefix caching
     */
    static LivePolicies create(LiveConfig config, PluginRegistry registry, boolean prefixCaching,
            BiFunction<PluginKind, StrategyChoice, PluginGuard> guardOf, Function<EvictionPolicy, SequenceEvictor> evictorOf) {
        StrategyChoice eviction = config.eviction();
        SequenceEvictor evictor = null;
        if (!eviction.name().equals(StrategyChoice.NONE)) {
            if (prefixCaching) {
                throw new IllegalArgumentException("eviction '" + eviction.name() + "' needs prefix index 'none': "
                        + "evicting positions breaks the correspondence between a sequence's blocks and its token prefix");
            }
            evictor = evictorOf.apply(GuardedPlugins.eviction(registry.create(PluginKind.EVICTION, eviction.name(),
                    eviction.config(), EvictionPolicy.class), guardOf.apply(PluginKind.EVICTION, eviction)));
        } else {
            registry.provider(PluginKind.EVICTION, StrategyChoice.NONE);
        }
        SchedulingPolicy scheduling = GuardedPlugins.scheduling(registry.create(PluginKind.SCHEDULING,
                config.scheduling().name(), config.scheduling().config(), SchedulingPolicy.class),
                guardOf.apply(PluginKind.SCHEDULING, config.scheduling()));
        PreemptionPolicy preemption = GuardedPlugins.preemption(registry.create(PluginKind.PREEMPTION,
                config.preemption().name(), config.preemption().config(), PreemptionPolicy.class),
                guardOf.apply(PluginKind.PREEMPTION, config.preemption()));
        return new LivePolicies(config, scheduling, evictor, preemption);
    }
}
