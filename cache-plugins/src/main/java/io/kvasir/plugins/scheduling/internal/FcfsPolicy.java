package io.kvasir.plugins.scheduling.internal;

import java.util.List;

import io.kvasir.api.plugin.SchedulingPolicy;

/**
 * First come, first served: the head of the waiting queue, which is in arrival order with preempted
 * requests first. Stateless.
 */
public final class FcfsPolicy implements SchedulingPolicy {

    @Override
    public int pickNext(List<? extends Candidate> waiting, long nowNanos) {
        Waiting.requireNotEmpty(waiting);
        return 0;
    }
}
