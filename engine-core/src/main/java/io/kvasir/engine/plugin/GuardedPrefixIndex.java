package io.kvasir.engine.plugin;

import io.kvasir.api.plugin.PrefixCacheStats;
import io.kvasir.api.plugin.PrefixIndex;

/** A {@link PrefixIndex} whose every call goes through a {@link PluginGuard}. */
final class GuardedPrefixIndex implements PrefixIndex {

    private final PrefixIndex index;
    private final PluginGuard guard;

    GuardedPrefixIndex(PrefixIndex index, PluginGuard guard) {
        this.index = index;
        this.guard = guard;
    }

    @Override
    public int match(int[] tokens, int numTokens, int blockSize, long salt, int[] blockIds) {
        guard.enter("match");
        try {
            return index.match(tokens, numTokens, blockSize, salt, blockIds);
        } catch (RuntimeException e) {
            throw guard.failed(e);
        } finally {
            guard.exit();
        }
    }

    @Override
    public void insert(int[] tokens, int numBlocks, int blockSize, long salt, int[] blockIds) {
        guard.enter("insert");
        try {
            index.insert(tokens, numBlocks, blockSize, salt, blockIds);
        } catch (RuntimeException e) {
            throw guard.failed(e);
        } finally {
            guard.exit();
        }
    }

    @Override
    public void onReferenced(int blockId) {
        guard.enter("onReferenced");
        try {
            index.onReferenced(blockId);
        } catch (RuntimeException e) {
            throw guard.failed(e);
        } finally {
            guard.exit();
        }
    }

    @Override
    public boolean onUnreferenced(int blockId) {
        guard.enter("onUnreferenced");
        try {
            return index.onUnreferenced(blockId);
        } catch (RuntimeException e) {
            throw guard.failed(e);
        } finally {
            guard.exit();
        }
    }

    @Override
    public int evict(int numBlocks, int[] evicted) {
        guard.enter("evict");
        try {
            return index.evict(numBlocks, evicted);
        } catch (RuntimeException e) {
            throw guard.failed(e);
        } finally {
            guard.exit();
        }
    }

    @Override
    public int numEvictableBlocks() {
        guard.enter("numEvictableBlocks");
        try {
            return index.numEvictableBlocks();
        } catch (RuntimeException e) {
            throw guard.failed(e);
        } finally {
            guard.exit();
        }
    }

    @Override
    public PrefixCacheStats stats() {
        guard.enter("stats");
        try {
            return index.stats();
        } catch (RuntimeException e) {
            throw guard.failed(e);
        } finally {
            guard.exit();
        }
    }
}
