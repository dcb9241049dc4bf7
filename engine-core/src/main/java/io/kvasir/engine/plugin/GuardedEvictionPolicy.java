package io.kvasir.engine.plugin;

import io.kvasir.api.plugin.EvictionPolicy;

/** An {@link EvictionPolicy} whose every call goes through a {@link PluginGuard}. */
final class GuardedEvictionPolicy implements EvictionPolicy {

    private final EvictionPolicy policy;
    private final PluginGuard guard;

    GuardedEvictionPolicy(EvictionPolicy policy, PluginGuard guard) {
        this.policy = policy;
        this.guard = guard;
    }

    @Override
    public AttentionStats attentionStats() {
        guard.enter("attentionStats");
        try {
            return policy.attentionStats();
        } catch (RuntimeException e) {
            throw guard.failed(e);
        } finally {
            guard.exit();
        }
    }

    @Override
    public double attentionDecay() {
        guard.enter("attentionDecay");
        try {
            return policy.attentionDecay();
        } catch (RuntimeException e) {
            throw guard.failed(e);
        } finally {
            guard.exit();
        }
    }

    @Override
    public int observationWindow() {
        guard.enter("observationWindow");
        try {
            return policy.observationWindow();
        } catch (RuntimeException e) {
            throw guard.failed(e);
        } finally {
            guard.exit();
        }
    }

    @Override
    public boolean selectsDuringPrefill() {
        guard.enter("selectsDuringPrefill");
        try {
            return policy.selectsDuringPrefill();
        } catch (RuntimeException e) {
            throw guard.failed(e);
        } finally {
            guard.exit();
        }
    }

    @Override
    public int select(int numSlots, int[] slotPositions, float[] slotScores, boolean endOfPrefill, int[] keep) {
        guard.enter("select");
        try {
            return policy.select(numSlots, slotPositions, slotScores, endOfPrefill, keep);
        } catch (RuntimeException e) {
            throw guard.failed(e);
        } finally {
            guard.exit();
        }
    }
}
