package io.kvasir.engine.plugin;

import java.util.List;
import java.util.Map;

import io.kvasir.api.plugin.SchedulingPolicy;

/** A {@link SchedulingPolicy} whose every call goes through a {@link PluginGuard}. */
final class GuardedSchedulingPolicy implements SchedulingPolicy {

    private final SchedulingPolicy policy;
    private final PluginGuard guard;

    GuardedSchedulingPolicy(SchedulingPolicy policy, PluginGuard guard) {
        this.policy = policy;
        this.guard = guard;
    }

    @Override
    public boolean usesCachedPrefixEstimates() {
        guard.enter("usesCachedPrefixEstimates");
        try {
            return policy.usesCachedPrefixEstimates();
        } catch (RuntimeException e) {
            throw guard.failed(e);
        } finally {
            guard.exit();
        }
    }

    @Override
    public void onArrival(Candidate request, long nowNanos) {
        guard.enter("onArrival");
        try {
            policy.onArrival(request, nowNanos);
        } catch (RuntimeException e) {
            throw guard.failed(e);
        } finally {
            guard.exit();
        }
    }

    @Override
    public int pickNext(List<? extends Candidate> waiting, long nowNanos) {
        guard.enter("pickNext");
        try {
            return policy.pickNext(waiting, nowNanos);
        } catch (RuntimeException e) {
            throw guard.failed(e);
        } finally {
            guard.exit();
        }
    }

    @Override
    public void charge(Candidate request, int numPromptTokens, int numGeneratedTokens, double blockSeconds) {
        guard.enter("charge");
        try {
            policy.charge(request, numPromptTokens, numGeneratedTokens, blockSeconds);
        } catch (RuntimeException e) {
            throw guard.failed(e);
        } finally {
            guard.exit();
        }
    }

    @Override
    public void onFinished(Candidate request) {
        guard.enter("onFinished");
        try {
            policy.onFinished(request);
        } catch (RuntimeException e) {
            throw guard.failed(e);
        } finally {
            guard.exit();
        }
    }

    @Override
    public Map<String, Double> serviceByTenant() {
        guard.enter("serviceByTenant");
        try {
            return policy.serviceByTenant();
        } catch (RuntimeException e) {
            throw guard.failed(e);
        } finally {
            guard.exit();
        }
    }
}
