package io.kvasir.plugins.scheduling.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;

import io.kvasir.api.plugin.SchedulingPolicy;

/**
 * Virtual Token Counter (Sheng et al., "Fairness in Serving Large Language Models", OSDI 2024), optionally
 * charging KV memory held over time as well.
 *
 * <p>Each tenant has a counter of the service it received, divided by its weight:
 * {@code (inputWeight × prompt tokens + outputWeight × generated tokens + kvWeight × block-seconds) / tenant weight}.
 * {@link #pickNext} admits the earliest waiting request of the waiting tenant with the smallest counter
 * (ties go to the tenant whose request is queued first). A tenant that comes back from idle, with no request
 * waiting or running, is lifted in {@link #onArrival} to the smallest counter among the tenants with requests
 * waiting, or, when none waits, to the counter of the tenant picked last (the paper's counter lift): time
 * spent idle earns no credit. With {@code kvWeight == 0} this is the paper's VTC.
 *
 * <p>Admission advance: the scheduler admits several requests in one step and reports what they received
 * only after the step, so a pick must move the counter at once or one tenant would win every pick of the
 * step. As in the paper, picking a request charges its prompt, estimated as {@code numPromptTokens -
 * numCachedPrefixTokens}, in advance; {@link #charge} then draws prompt tokens from the advance before
 * counting more. Whatever the prompt did not use is refunded when the request generates its first token or
 * leaves, so counters end up exactly what {@code charge} reported. A pick the scheduler could not admit keeps
 * its advance until the request runs or leaves: that tenant is charged one prompt early.
 *
 * <p>Which tenants have requests waiting is known from the last {@code pickNext} call (its list, less the
 * request it picked) plus the arrivals since; a waiting request cancelled in between counts until the next
 * call. Idle is exact: {@link #onArrival} and {@link #onFinished} count each tenant's requests in the engine.
 *
 * <p>Invariants:
 * <ul>
 *   <li>counters decrease only by a refund of an advance, never below what {@code charge} reported;</li>
 *   <li>{@code 0 <= advanceTokens}, and a request has an advance only between its pick and its first
 *       generated token;</li>
 *   <li>{@code numActive >= 0}; a tenant is idle exactly when {@code numActive == 0};</li>
 *   <li>{@code waitingEpoch <= epoch + 1} (the {@code + 1} only inside {@code pickNext}).</li>
 * </ul>
 */
public final class VirtualTokenCounterPolicy implements SchedulingPolicy {

    private final double inputWeight;
    private final double outputWeight;
    private final double kvWeight;
    private final Map<String, TenantState> tenantsById = new HashMap<>();
    /** The same states, for scans without iterators. */
    private final List<TenantState> tenants = new ArrayList<>();
    private final Map<String, RequestState> requestsById = new HashMap<>();
    /** {@code pickNext} calls so far. */
    private long epoch;
    private @Nullable TenantState lastPicked;

    /**
     * @param inputWeight service per prompt token
     * @param outputWeight service per generated token
     * @param kvWeight service per KV block held for one second; 0 for the paper's VTC
     */
    public VirtualTokenCounterPolicy(double inputWeight, double outputWeight, double kvWeight) {
        requireWeight("inputWeight", inputWeight);
        requireWeight("outputWeight", outputWeight);
        requireWeight("kvWeight", kvWeight);
        if (inputWeight == 0 && outputWeight == 0 && kvWeight == 0) {
            throw new IllegalArgumentException("inputWeight, outputWeight and kvWeight are all 0: no service would be counted");
        }
        this.inputWeight = inputWeight;
        this.outputWeight = outputWeight;
        this.kvWeight = kvWeight;
    }

    private static void requireWeight(String name, double weight) {
        if (!(weight >= 0) || !Double.isFinite(weight)) {
            throw new IllegalArgumentException(name + " must be finite and >= 0, got " + weight);
        }
    }

    @Override
    public void onArrival(Candidate request, long nowNanos) {
        TenantState tenant = tenantsById.get(request.tenantId());
        if (tenant == null) {
            tenant = register(request.tenantId());
        } else if (tenant.numActive == 0) {
            tenant.counter = Math.max(tenant.counter, liftTarget(tenant));
        }
        tenant.numActive++;
        if (tenant.waitingEpoch != epoch) {
            tenant.waitingEpoch = epoch;
            tenant.numWaiting = 0;
        }
        tenant.numWaiting++;
        requestsById.putIfAbsent(request.requestId(), new RequestState(tenant));
    }

    @Override
    public int pickNext(List<? extends Candidate> waiting, long nowNanos) {
        int numWaiting = Waiting.requireNotEmpty(waiting);
        long scan = epoch + 1;
        TenantState best = null;
        for (int i = 0; i < numWaiting; i++) {
            String tenantId = waiting.get(i).tenantId();
            TenantState tenant = tenantsById.get(tenantId);
            if (tenant == null) {
                tenant = register(tenantId);
            }
            if (tenant.waitingEpoch != scan) {
                tenant.waitingEpoch = scan;
                tenant.numWaiting = 0;
                tenant.firstWaitingIndex = i;
                // Compared at a tenant's first request only, so equal counters go to the earlier queued tenant.
                if (best == null || tenant.counter < best.counter) {
                    best = tenant;
                }
            }
            tenant.numWaiting++;
        }
        assert best != null;
        epoch = scan;
        best.numWaiting--;
        lastPicked = best;
        chargeAdvance(waiting.get(best.firstWaitingIndex), best);
        return best.firstWaitingIndex;
    }

    private void chargeAdvance(Candidate picked, TenantState tenant) {
        RequestState request = requestsById.get(picked.requestId());
        if (request == null) {
            // Only for requests queued before this policy was installed: they were never announced.
            request = new RequestState(tenant);
            requestsById.put(picked.requestId(), request);
        }
        int estimate = Math.max(0, picked.numPromptTokens() - picked.numCachedPrefixTokens());
        if (estimate <= request.advanceTokens) {
            return;
        }
        if (request.advanceTokens == 0) {
            request.advanceWeight = requireTenantWeight(picked);
        }
        tenant.counter += inputWeight * (estimate - request.advanceTokens) / request.advanceWeight;
        request.advanceTokens = estimate;
    }

    private void refundAdvance(RequestState request) {
        request.tenant.counter -= inputWeight * request.advanceTokens / request.advanceWeight;
        request.advanceTokens = 0;
    }

    private static double requireTenantWeight(Candidate request) {
        double tenantWeight = request.tenantWeight();
        if (!(tenantWeight > 0) || !Double.isFinite(tenantWeight)) {
            throw new IllegalArgumentException("tenantWeight of tenant " + request.tenantId() + " must be finite and > 0, got " + tenantWeight);
        }
        return tenantWeight;
    }

    @Override
    public void charge(Candidate request, int numPromptTokens, int numGeneratedTokens, double blockSeconds) {
        if (numPromptTokens < 0 || numGeneratedTokens < 0) {
            throw new IllegalArgumentException("numPromptTokens and numGeneratedTokens must be >= 0, got "
                    + numPromptTokens + " and " + numGeneratedTokens);
        }
        if (!(blockSeconds >= 0) || !Double.isFinite(blockSeconds)) {
            throw new IllegalArgumentException("blockSeconds must be finite and >= 0, got " + blockSeconds);
        }
        double tenantWeight = requireTenantWeight(request);
        TenantState tenant = tenantsById.get(request.tenantId());
        if (tenant == null) {
            tenant = register(request.tenantId());
        }
        int numPrepaid = 0;
        RequestState state = requestsById.get(request.requestId());
        if (state != null && state.advanceTokens > 0) {
            numPrepaid = Math.min(numPromptTokens, state.advanceTokens);
            state.advanceTokens -= numPrepaid;
            if (numGeneratedTokens > 0 && state.advanceTokens > 0) {
                refundAdvance(state);
            }
        }
        double service = inputWeight * (numPromptTokens - numPrepaid) + outputWeight * numGeneratedTokens + kvWeight * blockSeconds;
        tenant.counter += service / tenantWeight;
    }

    @Override
    public void onFinished(Candidate request) {
        RequestState state = requestsById.remove(request.requestId());
        if (state != null && state.advanceTokens > 0) {
            refundAdvance(state);
        }
        TenantState tenant = tenantsById.get(request.tenantId());
        // A request queued before this policy was installed was never counted in; it cannot make the count negative.
        if (tenant != null && tenant.numActive > 0) {
            tenant.numActive--;
            if (tenant.numActive == 0) {
                tenant.numWaiting = 0;
            }
        }
    }

    /**
     * Each tenant's counter by tenant id: weighted service divided by tenant weight, lifts and the advances of
     * picked requests included. A snapshot; call it on the engine loop thread.
     */
    @Override
    public Map<String, Double> serviceByTenant() {
        Map<String, Double> counters = new TreeMap<>();
        for (int i = 0; i < tenants.size(); i++) {
            TenantState tenant = tenants.get(i);
            counters.put(tenant.tenantId, tenant.counter);
        }
        return Collections.unmodifiableMap(counters);
    }

    /** A tenant seen for the first time starts where a returning one would be lifted to. */
    private TenantState register(String tenantId) {
        TenantState tenant = new TenantState(tenantId);
        tenant.counter = Math.max(0, liftTarget(tenant));
        tenantsById.put(tenantId, tenant);
        tenants.add(tenant);
        return tenant;
    }

    /**
     * The smallest counter among other tenants with requests waiting; if none, the counter of the tenant
     * picked last; if there is none either, 0.
     */
    private double liftTarget(TenantState returning) {
        double min = Double.POSITIVE_INFINITY;
        for (int i = 0; i < tenants.size(); i++) {
            TenantState other = tenants.get(i);
            // Inside pickNext a tenant already scanned carries epoch + 1; both mean "waiting now".
            if (other != returning && other.waitingEpoch >= epoch && other.numWaiting > 0) {
                min = Math.min(min, other.counter);
            }
        }
        if (min != Double.POSITIVE_INFINITY) {
            return min;
        }
        return lastPicked == null ? 0 : lastPicked.counter;
    }

    private static final class RequestState {
        final TenantState tenant;
        /** Prompt tokens charged at the pick and not yet reported by {@code charge}. */
        int advanceTokens;
        double advanceWeight;

        RequestState(TenantState tenant) {
            this.tenant = tenant;
        }
    }

    private static final class TenantState {
        final String tenantId;
        double counter;
        /** Requests announced by onArrival and not yet finished: waiting or running. */
        int numActive;
        /** The pickNext call whose list {@code numWaiting} and {@code firstWaitingIndex} describe. */
        long waitingEpoch = -1;
        int numWaiting;
        int firstWaitingIndex;

        TenantState(String tenantId) {
            this.tenantId = tenantId;
        }
    }
}
