package io.kvasir.engine.loop;

/**
 * The KV-cache strategies of one engine instance, one plugin per kind.
 *
 * @param codec how K and V are stored
 * @param prefixIndex how cached prefixes are found ({@code none} turns prefix caching off)
 * @param eviction which positions of long sequences are dropped
 * @param preemption recompute or swap when blocks run out
 * @param offloadTier where swapped blocks go ({@code none}: swapping falls back to recomputing)
 * @param scheduling which waiting request runs next
 */
public record CacheProfile(StrategyChoice codec, StrategyChoice prefixIndex, StrategyChoice eviction,
        StrategyChoice preemption, StrategyChoice offloadTier, StrategyChoice scheduling) {

    /** f32 KV, hash prefix caching, no eviction, recompute, no tier, FCFS. */
    public static CacheProfile defaults() {
        return new CacheProfile(StrategyChoice.of("f32"), StrategyChoice.of("hash"), StrategyChoice.of("none"),
                StrategyChoice.of("recompute"), StrategyChoice.of(StrategyChoice.NONE), StrategyChoice.of("fcfs"));
    }

    public CacheProfile withCodec(StrategyChoice choice) {
        return new CacheProfile(choice, prefixIndex, eviction, preemption, offloadTier, scheduling);
    }

    public CacheProfile withPrefixIndex(StrategyChoice choice) {
        return new CacheProfile(codec, choice, eviction, preemption, offloadTier, scheduling);
    }

    public CacheProfile withEviction(StrategyChoice choice) {
        return new CacheProfile(codec, prefixIndex, choice, preemption, offloadTier, scheduling);
    }

    public CacheProfile withPreemption(StrategyChoice choice) {
        return new CacheProfile(codec, prefixIndex, eviction, choice, offloadTier, scheduling);
    }

    public CacheProfile withOffloadTier(StrategyChoice choice) {
        return new CacheProfile(codec, prefixIndex, eviction, preemption, choice, scheduling);
    }

    public CacheProfile withScheduling(StrategyChoice choice) {
        return new CacheProfile(codec, prefixIndex, eviction, preemption, offloadTier, choice);
    }
}
