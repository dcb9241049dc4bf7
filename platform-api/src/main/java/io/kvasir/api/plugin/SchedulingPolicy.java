package io.kvasir.api.plugin;

import java.util.List;

/**
 * Orders a step's prompt work: which request the scheduler gives prefill budget next, among the running requests
 * still prefilling a long prompt and the waiting requests it could admit. Called on the engine loop thread only.
 *
 * <p>The scheduler reports what every request receives ({@link #charge}) so that fairness policies can
 * keep their counters; stateless policies ignore it.
 */
public interface SchedulingPolicy {

    /** A waiting request as a policy sees it. */
    interface Candidate {
        String requestId();

        String tenantId();

        /** The tenant's weight (its fair share relative to others; 1 by default). */
        double tenantWeight();

        /** Larger runs earlier under the priority policy. */
        int priority();

        long arrivalNanos();

        int numPromptTokens();

        /** Prompt tokens the prefix cache holds now (an estimate refreshed before each decision). */
        int numCachedPrefixTokens();
    }

    /**
     * Whether {@link Candidate#numCachedPrefixTokens()} must be fresh before each pick. Looking prefixes up
     * costs time, so only policies that use it (longest prefix match) say yes.
     */
    default boolean usesCachedPrefixEstimates() {
        return false;
    }

    /** A request joined the waiting queue (new, not resumed after preemption). */
    default void onArrival(Candidate request, long nowNanos) {
    }

    /**
     * The index in {@code waiting} of the request to serve next. {@code waiting} is not empty and holds, in this
     * order, the running requests still prefilling (oldest admission first; their {@link Candidate#numCachedPrefixTokens()}
     * counts the prompt tokens already computed) and then, while the scheduler can admit, the waiting requests in
     * arrival order (preempted requests first). Picking index 0 is first come, first served.
     */
    int pickNext(List<? extends Candidate> waiting, long nowNanos);

    /**
     * What a request received in one step: prompt tokens computed, tokens generated, and KV block-seconds
     * held. Fairness policies charge the request's tenant.
     */
    default void charge(Candidate request, int numPromptTokens, int numGeneratedTokens, double blockSeconds) {
    }

    /** A request left the engine (finished, cancelled or failed). */
    default void onFinished(Candidate request) {
    }

    /** Per-tenant service counters for metrics and fairness charts; empty for stateless policies. */
    default java.util.Map<String, Double> serviceByTenant() {
        return java.util.Map.of();
    }
}
