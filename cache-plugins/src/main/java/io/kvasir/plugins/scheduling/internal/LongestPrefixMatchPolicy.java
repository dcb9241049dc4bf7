package io.kvasir.plugins.scheduling.internal;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.kvasir.api.plugin.SchedulingPolicy;

/**
 * Longest prefix match first (SGLang's {@code lpm}): the waiting request whose prompt has the most tokens
 * in the prefix cache runs next, so requests sharing a prefix run while it is still cached and fewer prompt
 * tokens are computed. Equal matches keep queue order (FCFS).
 *
 * <p>Starvation guard: a request is <em>passed over</em> when the policy picks a request behind it in the
 * queue. A request passed over {@code maxSkips} times goes first (the earliest such request, if several), so
 * a prompt sharing nothing with its neighbours still runs while cache-friendly traffic keeps arriving.
 * Every {@code pickNext} call counts as a decision, also when the scheduler then cannot admit the pick.
 *
 * <p>Invariants: a request has a skip counter from {@link #onArrival} (or its first pass-over) until
 * {@link #onFinished}; counters only grow meanwhile.
 */
public final class LongestPrefixMatchPolicy implements SchedulingPolicy {

    @Override
    public boolean usesCachedPrefixEstimates() {
        return true;
    }

    private final int maxSkips;
    private final Map<String, SkipCounter> skipsByRequestId = new HashMap<>();

    /** @param maxSkips pass-overs after which a request goes first; at least 1 */
    public LongestPrefixMatchPolicy(int maxSkips) {
        if (maxSkips < 1) {
            throw new IllegalArgumentException("maxSkips must be at least 1, got " + maxSkips);
        }
        this.maxSkips = maxSkips;
    }

    @Override
    public void onArrival(Candidate request, long nowNanos) {
        skipsByRequestId.putIfAbsent(request.requestId(), new SkipCounter());
    }

    @Override
    public int pickNext(List<? extends Candidate> waiting, long nowNanos) {
        int numWaiting = Waiting.requireNotEmpty(waiting);
        int chosen = 0;
        int bestCached = -1;
        for (int i = 0; i < numWaiting; i++) {
            Candidate candidate = waiting.get(i);
            SkipCounter skips = skipsByRequestId.get(candidate.requestId());
            if (skips != null && skips.numSkips >= maxSkips) {
                chosen = i;
                break;
            }
            int numCached = candidate.numCachedPrefixTokens();
            if (numCached > bestCached) {
                chosen = i;
                bestCached = numCached;
            }
        }
        for (int i = 0; i < chosen; i++) {
            String requestId = waiting.get(i).requestId();
            SkipCounter skips = skipsByRequestId.get(requestId);
            if (skips == null) {
                // Only for requests queued before this policy was installed: they were never announced.
                skips = new SkipCounter();
                skipsByRequestId.put(requestId, skips);
            }
            skips.numSkips++;
        }
        return chosen;
    }

    @Override
    public void onFinished(Candidate request) {
        skipsByRequestId.remove(request.requestId());
    }

    /** Times the request was passed over so far; 0 for an unknown request. For tests and diagnostics. */
    public int numSkips(String requestId) {
        SkipCounter skips = skipsByRequestId.get(requestId);
        return skips == null ? 0 : skips.numSkips;
    }

    /** Requests the policy keeps a counter for. */
    public int numTrackedRequests() {
        return skipsByRequestId.size();
    }

    private static final class SkipCounter {
        int numSkips;
    }
}
