package io.kvasir.gateway.profile;

import io.kvasir.api.plugin.PluginKind;
import io.kvasir.engine.loop.CacheProfile;
import io.kvasir.engine.loop.StrategyChoice;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The six plugin choices of a profile: each one's field name in {@link CacheProfile}, its plugin kind, whether
 * {@code none} turns it off without a provider, and whether changing it needs a new engine instance.
 */
public enum PluginSlot {

    CODEC("codec", PluginKind.KV_CODEC, false, true, "reshapes the KV pool (bytes per block)",
            CacheProfile::codec, CacheProfile::withCodec),
    PREFIX_INDEX("prefixIndex", PluginKind.PREFIX_INDEX, true, true, "the index holds blocks of the KV pool",
            CacheProfile::prefixIndex, CacheProfile::withPrefixIndex),
    EVICTION("eviction", PluginKind.EVICTION, false, false,
            "new requests from the next step; running ones keep the eviction they started under",
            CacheProfile::eviction, CacheProfile::withEviction),
    PREEMPTION("preemption", PluginKind.PREEMPTION, false, false, "decides every preemption from the next step",
            CacheProfile::preemption, CacheProfile::withPreemption),
    OFFLOAD_TIER("offloadTier", PluginKind.OFFLOAD_TIER, true, true, "the tier holds swapped and spilled blocks",
            CacheProfile::offloadTier, CacheProfile::withOffloadTier),
    SCHEDULING("scheduling", PluginKind.SCHEDULING, false, false, "picks waiting requests from the next step",
            CacheProfile::scheduling, CacheProfile::withScheduling);

    private final String field;
    private final PluginKind kind;
    private final boolean noneWithoutProvider;
    private final boolean needsDrain;
    private final String effect;
    private final Function<CacheProfile, @Nullable StrategyChoice> getter;
    private final BiFunction<CacheProfile, StrategyChoice, CacheProfile> setter;

    PluginSlot(String field, PluginKind kind, boolean noneWithoutProvider, boolean needsDrain, String effect,
            Function<CacheProfile, @Nullable StrategyChoice> getter, BiFunction<CacheProfile, StrategyChoice, CacheProfile> setter) {
        this.field = field;
        this.kind = kind;
        this.noneWithoutProvider = noneWithoutProvider;
        this.needsDrain = needsDrain;
        this.effect = effect;
        this.getter = getter;
        this.setter = setter;
    }

    /** The field's name in a profile, as problems and diffs name it ({@code plugins.<field>}). */
    public String field() {
        return field;
    }

    public PluginKind kind() {
        return kind;
    }

    /** Whether {@code none} turns this kind off with no provider of that name (prefix index, offload tier). */
    public boolean noneWithoutProvider() {
        return noneWithoutProvider;
    }

    /** Whether changing this plugin or its configuration needs a new engine instance. */
    public boolean needsDrain() {
        return needsDrain;
    }

    /** What a change does, in words for the operator. */
    public String effect() {
        return effect;
    }

    public @Nullable StrategyChoice choice(CacheProfile plugins) {
        return getter.apply(plugins);
    }

    public CacheProfile with(CacheProfile plugins, StrategyChoice choice) {
        return setter.apply(plugins, choice);
    }
}
