package io.kvasir.plugins.scheduling;

import io.kvasir.api.plugin.SchedulingPolicy.Candidate;

/** A waiting request for policy tests; policies know requests by id, so copies stand for the same request. */
public record TestRequest(String requestId, String tenantId, double tenantWeight, int priority, long arrivalNanos,
        int numPromptTokens, int numCachedPrefixTokens) implements Candidate {

    /** A request of weight-1 tenant {@code tenantId} with priority 0, 100 prompt tokens and nothing cached. */
    public static TestRequest of(String requestId, String tenantId) {
        return new TestRequest(requestId, tenantId, 1, 0, 0, 100, 0);
    }

    public TestRequest withPriority(int newPriority) {
        return new TestRequest(requestId, tenantId, tenantWeight, newPriority, arrivalNanos, numPromptTokens, numCachedPrefixTokens);
    }

    public TestRequest withCached(int numCached) {
        return new TestRequest(requestId, tenantId, tenantWeight, priority, arrivalNanos, numPromptTokens, numCached);
    }

    public TestRequest withTenantWeight(double weight) {
        return new TestRequest(requestId, tenantId, weight, priority, arrivalNanos, numPromptTokens, numCachedPrefixTokens);
    }
}
