package io.kvasir.engine.sched;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;

import org.jspecify.annotations.Nullable;

import io.kvasir.api.plugin.PrefixCacheStats;
import io.kvasir.api.plugin.PrefixIndex;
import io.kvasir.engine.kv.BlockHasher;
import io.kvasir.engine.kv.BlockPool;
import io.kvasir.engine.kv.KvCacheManager;
import io.kvasir.engine.kv.KvSequence;

/**
 * Connects a {@link PrefixIndex} plugin to the block pool: new requests start from the longest cached
 * prefix of their prompt, full blocks are offered to the index as they are computed, and blocks whose last
 * sequence reference goes stay with the index (their contents reusable) until it gives them up under memory
 * pressure.
 *
 * <p>Reference protocol: a block the index retains keeps the pool reference its last sequence held, so the
 * pool's invariants do not change ({@code refCount == 0} iff free). A request that matches a retained block
 * takes that reference over; a block still used by another sequence gets one more reference. Entries are
 * salted with a secret per-process key and the request's prefix group, so tenants of different groups never
 * share entries and cannot probe each other's prompts by timing.
 *
 * <p>With a {@link BlockSpill}, blocks the index gives up are copied to an offload tier (keyed by the chained
 * hash of their salted prefix) and come back when a later request's prefix continues past the index's match.
 *
 * <p>The index is a plugin: when it throws or times out, prefix caching is off for good (an index whose
 * state may be half updated must not hand out blocks). No request fails: later requests compute their whole
 * prompt, blocks that lose their last reference are freed, and the blocks the index retained go back to the
 * pool at the next call that is not inside a free ({@link #retain} is). The failure is counted by the
 * plugin's guard.
 *
 * <p>Invariant: {@code retainedByIndex[b]} implies {@code refCount(b) == 1} and no sequence holds {@code b}.
 * Owned by the engine loop thread.
 */
public final class PrefixCache implements KvCacheManager.LastReferenceHook {

    private final PrefixIndex index;
    private final KvCacheManager kvCache;
    private final BlockPool pool;
    private final int blockSize;
    private final boolean[] retainedByIndex;
    private final int[] blockIds;
    private static final int MAX_SPILLED_KEYS = 1 << 20;
    private final long secret;
    private final long[] blockKeys;
    private final java.util.Set<Long> spilledKeys = new java.util.HashSet<>();
    private final int[] oneBlock = new int[1];
    private static final int TRACKED_PREFIXES = 256;
    private final SharedPrefixes sharedPrefixes = new SharedPrefixes(TRACKED_PREFIXES);
    private @Nullable BlockSpill spill;
    private long numRestoredBlocks;
    private @Nullable RuntimeException indexFailure;
    private boolean retainedReleased;
    private PrefixCacheStats lastStats = new PrefixCacheStats(0, 0, 0, 0, 0);

    public PrefixCache(PrefixIndex index, KvCacheManager kvCache) {
        this.index = index;
        this.kvCache = kvCache;
        this.pool = kvCache.pool();
        this.blockSize = pool.blockSize();
        this.retainedByIndex = new boolean[pool.numBlocks()];
        this.blockIds = new int[pool.numBlocks()];
        this.secret = new SecureRandom().nextLong();
        this.blockKeys = new long[pool.numBlocks()];
        kvCache.setLastReferenceHook(this);
    }

    /** Sends blocks the index gives up to {@code spill} (null: their contents are dropped). */
    public void setSpill(@Nullable BlockSpill spill) {
        this.spill = spill;
    }

    /** Blocks brought back from the spill tier on a prefix hit. */
    public long numRestoredBlocks() {
        return numRestoredBlocks;
    }

    public PrefixIndex index() {
        return index;
    }

    /** The salt of a prefix group: a keyed hash, so groups cannot guess one another's. */
    public long saltOf(String prefixGroup) {
        long h = secret ^ 0x9E3779B97F4A7C15L;
        for (byte b : prefixGroup.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ b) * 0x100000001B3L;
            h ^= h >>> 29;
        }
        return h;
    }

    /** Why prefix caching was turned off (the index threw or timed out), or null while it works. */
    public @Nullable RuntimeException indexFailure() {
        return indexFailure;
    }

    /** Whole cached blocks a request could reuse now (at most all but its last token). */
    public int estimateCachedTokens(Request request) {
        if (indexFailed()) {
            return 0;
        }
        try {
            return index.match(request.tokenArray(), reusableTokens(request), blockSize,
                    saltOf(request.spec().prefixGroup()), blockIds) * blockSize;
        } catch (RuntimeException e) {
            failIndex(e);
            return 0;
        }
    }

    /**
     * Gives a newly admitted request's empty sequence the cached blocks of its longest cached prefix.
     *
     * @return the number of tokens now present (a multiple of the block size)
     */
    public int attach(Request request, KvSequence sequence) {
        if (indexFailed()) {
            return 0;
        }
        long salt = saltOf(request.spec().prefixGroup());
        int numBlocks;
        try {
            numBlocks = index.match(request.tokenArray(), reusableTokens(request), blockSize, salt, blockIds);
        } catch (RuntimeException e) {
            failIndex(e);
            return 0;
        }
        for (int i = 0; i < numBlocks; i++) {
            int blockId = blockIds[i];
            boolean transferred = retainedByIndex[blockId];
            retainedByIndex[blockId] = false;
            kvCache.appendCachedBlock(sequence, blockId, transferred);
            try {
                index.onReferenced(blockId);
            } catch (RuntimeException e) {
                // The block is the request's now, as matched; only the index's bookkeeping is in doubt.
                failIndex(e);
            }
        }
        if (indexFailed()) {
            return numBlocks * blockSize;
        }
        int numReused = numBlocks + restoreSpilled(request, sequence, numBlocks);
        if (numReused > 0) {
            sharedPrefixes.recordHit(chainKey(request, numReused, salt), numReused, numReused * blockSize,
                    request.spec().prefixGroup());
        }
        return numReused * blockSize;
    }

    /** The prefixes requests reused most often (counted over the last {@value #TRACKED_PREFIXES} distinct ones). */
    public List<SharedPrefix> sharedPrefixes(int limit) {
        return sharedPrefixes.top(limit);
    }

    /** The chained hash of the request's first {@code numBlocks} blocks under {@code salt}. */
    private long chainKey(Request request, int numBlocks, long salt) {
        long key = BlockHasher.ROOT_PARENT_HASH;
        for (int i = 0; i < numBlocks; i++) {
            key = BlockHasher.computeBlockHash(key, request.tokenArray(), i * blockSize, (i + 1) * blockSize, salt);
        }
        return key;
    }

    /** Continues a match with blocks the spill tier still holds; returns how many came back. */
    private int restoreSpilled(Request request, KvSequence sequence, int numMatched) {
        if (spill == null || spilledKeys.isEmpty()) {
            return 0;
        }
        int maxBlocks = reusableTokens(request) / blockSize;
        long salt = saltOf(request.spec().prefixGroup());
        long key = chainKey(request, numMatched, salt);
        int numRestored = 0;
        for (int i = numMatched; i < maxBlocks; i++) {
            key = BlockHasher.computeBlockHash(key, request.tokenArray(), i * blockSize, (i + 1) * blockSize, salt);
            if (!spilledKeys.contains(key) || (pool.numFreeBlocks() == 0 && evict(1) == 0) || !pool.allocate(1, oneBlock, 0)) {
                break;
            }
            if (!spill.restore(key, oneBlock[0])) {
                spilledKeys.remove(key);
                pool.free(oneBlock[0]);
                break;
            }
            kvCache.appendCachedBlock(sequence, oneBlock[0], true);
            numRestored++;
        }
        numRestoredBlocks += numRestored;
        return numRestored;
    }

    /** Offers the request's newly completed full blocks to the index. */
    public void publish(Request request) {
        int numFull = Math.min(request.numComputedTokens(), request.numTokens()) / blockSize;
        if (numFull <= request.numBlocksPublished() || indexFailed()) {
            return;
        }
        kvCache.blockTable(request.kvSequence()).copyBlockIds(blockIds, 0);
        long salt = saltOf(request.spec().prefixGroup());
        if (spill != null) {
            long key = BlockHasher.ROOT_PARENT_HASH;
            for (int i = 0; i < numFull; i++) {
                key = BlockHasher.computeBlockHash(key, request.tokenArray(), i * blockSize, (i + 1) * blockSize, salt);
                blockKeys[blockIds[i]] = key;
            }
        }
        try {
            index.insert(request.tokenArray(), numFull, blockSize, salt, blockIds);
        } catch (RuntimeException e) {
            failIndex(e);
            return;
        }
        request.setNumBlocksPublished(numFull);
    }

    @Override
    public boolean retain(int blockId) {
        // Called while the manager frees a sequence: a failed index's retained blocks are released later.
        if (indexFailure != null) {
            return false;
        }
        boolean retained;
        try {
            retained = index.onUnreferenced(blockId);
        } catch (RuntimeException e) {
            failIndex(e);
            return false;
        }
        if (retained) {
            assert !retainedByIndex[blockId];
            retainedByIndex[blockId] = true;
        }
        return retained;
    }

    /** Frees up to {@code numBlocks} blocks the index retains; returns how many went back to the pool. */
    public int evict(int numBlocks) {
        if (indexFailure != null) {
            return releaseRetained();
        }
        int n;
        try {
            n = index.evict(numBlocks, blockIds);
        } catch (RuntimeException e) {
            failIndex(e);
            return releaseRetained();
        }
        for (int i = 0; i < n; i++) {
            int blockId = blockIds[i];
            assert retainedByIndex[blockId] : "index evicted block " + blockId + " it did not retain";
            retainedByIndex[blockId] = false;
            if (spill != null && spill.spill(blockKeys[blockId], blockId)) {
                if (spilledKeys.size() >= MAX_SPILLED_KEYS) {
                    // The tier drops old entries on its own; forgetting the keys only costs those hits.
                    spilledKeys.clear();
                }
                spilledKeys.add(blockKeys[blockId]);
            }
            pool.free(blockId);
        }
        return n;
    }

    /** Blocks the index retains that could be freed. */
    public int numEvictableBlocks() {
        if (indexFailed()) {
            return 0;
        }
        try {
            return index.numEvictableBlocks();
        } catch (RuntimeException e) {
            failIndex(e);
            return 0;
        }
    }

    /** Gives every retained block back to the pool. */
    public void clear() {
        while (evict(pool.numBlocks()) > 0) {
            // evict until the index holds nothing evictable
        }
    }

    /** The index's counters; once it failed, the last ones it gave. */
    public PrefixCacheStats stats() {
        if (indexFailed()) {
            return lastStats;
        }
        try {
            lastStats = index.stats();
        } catch (RuntimeException e) {
            failIndex(e);
        }
        return lastStats;
    }

    private void failIndex(RuntimeException e) {
        if (indexFailure == null) {
            indexFailure = e;
        }
    }

    /**
     * Whether the index failed; the first time this is seen, the blocks it retained go back to the pool. Not
     * to be called from {@link #retain}, which runs inside a free.
     */
    private boolean indexFailed() {
        if (indexFailure == null) {
            return false;
        }
        releaseRetained();
        return true;
    }

    /** Frees every block the failed index retained, without asking it; returns how many. */
    private int releaseRetained() {
        if (retainedReleased) {
            return 0;
        }
        retainedReleased = true;
        int n = 0;
        for (int blockId = 0; blockId < retainedByIndex.length; blockId++) {
            if (retainedByIndex[blockId]) {
                retainedByIndex[blockId] = false;
                pool.free(blockId);
                n++;
            }
        }
        return n;
    }

    private static int reusableTokens(Request request) {
        // At least one token must be computed so the request gets logits to sample from; a resumed request
        // may find its own earlier blocks, generated tokens included.
        return request.numTokens() - 1;
    }
}
