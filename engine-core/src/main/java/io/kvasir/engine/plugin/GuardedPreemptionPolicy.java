package io.kvasir.engine.plugin;

import io.kvasir.api.plugin.PreemptionPolicy;

/** A {@link PreemptionPolicy} whose calls go through a {@link PluginGuard}. */
final class GuardedPreemptionPolicy implements PreemptionPolicy {

    private final PreemptionPolicy policy;
    private final PluginGuard guard;

    GuardedPreemptionPolicy(PreemptionPolicy policy, PluginGuard guard) {
        this.policy = policy;
        this.guard = guard;
    }

    @Override
    public Mode choose(int numBlocks, long bytesPerBlock, int numComputedTokens) {
        guard.enter("choose");
        try {
            return policy.choose(numBlocks, bytesPerBlock, numComputedTokens);
        } catch (RuntimeException e) {
            throw guard.failed(e);
        } finally {
            guard.exit();
        }
    }
}
