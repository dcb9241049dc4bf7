package io.kvasir.engine.loop;

import java.util.Objects;

/**
 * The part of an engine's configuration that {@link Engine#reconfigure} changes between two steps, without a
 * new engine instance: the policies that shape no KV pool and the batching limits.
 *
 * <p>The batching limits may not exceed what the instance was built for ({@link #fits(EngineConfig)}): its
 * step buffers are sized once, from {@link EngineConfig#maxBatchTokens()} and
 * {@link EngineConfig#maxRunningRequests()}.
 *
 * @param scheduling which waiting request runs next
 * @param eviction which positions of long sequences are dropped ({@code none}: none)
 * @param preemption recompute or swap when blocks run out
 * @param maxBatchTokens the token budget of one step
 * @param maxRunningRequests the most requests running at once
 * @param maxWaitingRequests the most requests queued before submissions are refused
 */
public record LiveConfig(StrategyChoice scheduling, StrategyChoice eviction, StrategyChoice preemption,
        int maxBatchTokens, int maxRunningRequests, int maxWaitingRequests) {

    public LiveConfig {
        Objects.requireNonNull(scheduling, "scheduling");
        Objects.requireNonNull(eviction, "eviction");
        Objects.requireNonNull(preemption, "preemption");
        if (maxBatchTokens <= 0 || maxRunningRequests <= 0 || maxWaitingRequests < 0) {
            throw new IllegalArgumentException("maxBatchTokens and maxRunningRequests must be positive and maxWaitingRequests "
                    + "not negative, got " + maxBatchTokens + ", " + maxRunningRequests + " and " + maxWaitingRequests);
        }
    }

    /** The live part of a full configuration. */
    public static LiveConfig of(EngineConfig config) {
        CacheProfile profile = config.cacheProfile();
        return new LiveConfig(profile.scheduling(), profile.eviction(), profile.preemption(), config.maxBatchTokens(),
                config.maxRunningRequests(), config.maxWaitingRequests());
    }

    /** The tokens one step may carry: the budget, raised to one token per running request. */
    int stepTokens() {
        return Math.max(maxBatchTokens, maxRunningRequests);
    }

    /** Whether an engine built with {@code built} can take these limits (its step buffers are sized once). */
    public boolean fits(EngineConfig built) {
        return fits(of(built));
    }

    /** Whether an engine whose build configuration had the live part {@code built} can take these limits. */
    public boolean fits(LiveConfig built) {
        return maxRunningRequests <= built.maxRunningRequests() && stepTokens() <= built.stepTokens();
    }
}
