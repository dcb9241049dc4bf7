package io.kvasir.plugins.scheduling.internal;

import java.util.List;

import io.kvasir.api.plugin.SchedulingPolicy;

/**
 * The waiting request with the largest {@link Candidate#priority()}; among equal priorities the one the
 * queue holds first (FCFS, preempted requests first). Stateless. Low priorities can starve while higher
 * ones keep arriving: that is the point of the policy, and admission limits are the place to bound it.
 */
public final class PriorityPolicy implements SchedulingPolicy {

    @Override
    public int pickNext(List<? extends Candidate> waiting, long nowNanos) {
        int numWaiting = Waiting.requireNotEmpty(waiting);
        int best = 0;
        int bestPriority = waiting.get(0).priority();
        for (int i = 1; i < numWaiting; i++) {
            int priority = waiting.get(i).priority();
            // Strictly greater, so the earliest of equal priorities wins.
            if (priority > bestPriority) {
                best = i;
                bestPriority = priority;
            }
        }
        return best;
    }
}
