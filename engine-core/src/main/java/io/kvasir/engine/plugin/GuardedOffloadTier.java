package io.kvasir.engine.plugin;

import java.lang.foreign.MemorySegment;

import io.kvasir.api.plugin.OffloadTier;

/**
 * An {@link OffloadTier} whose calls from the engine loop go through a {@link PluginGuard}. {@link #close}
 * is not guarded: it runs when the engine closes, after the loop has stopped.
 */
final class GuardedOffloadTier implements OffloadTier {

    private final OffloadTier tier;
    private final PluginGuard guard;

    GuardedOffloadTier(OffloadTier tier, PluginGuard guard) {
        this.tier = tier;
        this.guard = guard;
    }

    @Override
    public boolean put(long key, MemorySegment data) {
        guard.enter("put");
        try {
            return tier.put(key, data);
        } catch (RuntimeException e) {
            throw guard.failed(e);
        } finally {
            guard.exit();
        }
    }

    @Override
    public boolean putEvictable(long key, MemorySegment data) {
        guard.enter("putEvictable");
        try {
            return tier.putEvictable(key, data);
        } catch (RuntimeException e) {
            throw guard.failed(e);
        } finally {
            guard.exit();
        }
    }

    @Override
    public boolean get(long key, MemorySegment dst) {
        guard.enter("get");
        try {
            return tier.get(key, dst);
        } catch (RuntimeException e) {
            throw guard.failed(e);
        } finally {
            guard.exit();
        }
    }

    @Override
    public void remove(long key) {
        guard.enter("remove");
        try {
            tier.remove(key);
        } catch (RuntimeException e) {
            throw guard.failed(e);
        } finally {
            guard.exit();
        }
    }

    @Override
    public long usedBytes() {
        guard.enter("usedBytes");
        try {
            return tier.usedBytes();
        } catch (RuntimeException e) {
            throw guard.failed(e);
        } finally {
            guard.exit();
        }
    }

    @Override
    public long capacityBytes() {
        guard.enter("capacityBytes");
        try {
            return tier.capacityBytes();
        } catch (RuntimeException e) {
            throw guard.failed(e);
        } finally {
            guard.exit();
        }
    }

    @Override
    public void close() {
        tier.close();
    }
}
