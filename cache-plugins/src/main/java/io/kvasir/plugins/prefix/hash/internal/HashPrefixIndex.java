package io.kvasir.plugins.prefix.hash.internal;

import java.util.Arrays;

import io.kvasir.api.plugin.PrefixCacheStats;
import io.kvasir.api.plugin.PrefixIndex;
import io.kvasir.plugins.prefix.internal.LongIntMap;
import io.kvasir.plugins.prefix.internal.PrefixCacheCounters;
import io.kvasir.plugins.prefix.internal.PrefixIndexArgs;
import io.kvasir.plugins.prefix.internal.RepeatedBlockCheck;

/**
 * A prefix index in the manner of vLLM's v1 block pool: every cached full block is keyed by a chained hash
 * of (parent block's key, salt, its tokens) in one map from key to block id; {@code match} walks the
 * request block by block until a key is missing. Unreferenced cached blocks wait in an intrusive doubly
 * linked list over block ids, least recently unreferenced at the head, and {@code evict} takes from the
 * head.
 *
 * <p>Blocks are independent entries: evicting a block leaves the blocks cached after it in place. They
 * cannot be matched until their prefix is cached again (its keys are the same, so they are found again
 * then), and they are evicted in their own turn.
 *
 * <p>Invariants:
 * <ul>
 *   <li>a block is {@code ABSENT}, {@code REFERENCED} or {@code EVICTABLE}; {@code keyToBlock} maps
 *       {@code blockKey[b]} to {@code b} exactly for the blocks that are not {@code ABSENT};</li>
 *   <li>the LRU list holds exactly the {@code EVICTABLE} blocks, {@code numEvictable} of them;</li>
 *   <li>{@code numCached == keyToBlock.size()}.</li>
 * </ul>
 * Not thread-safe (engine loop only). {@code match}, {@code onReferenced}, {@code onUnreferenced} and
 * {@code evict} allocate nothing; {@code insert} allocates only when a block id larger than any before
 * grows the per-block arrays or the map grows.
 */
public final class HashPrefixIndex implements PrefixIndex {

    private static final byte ABSENT = 0;
    private static final byte REFERENCED = 1;
    private static final byte EVICTABLE = 2;
    private static final int NONE = -1;

    private final LongIntMap keyToBlock = new LongIntMap();
    private final PrefixCacheCounters counters = new PrefixCacheCounters();
    private final RepeatedBlockCheck repeated = new RepeatedBlockCheck();
    private int blockSize;

    // Per block id, grown on demand.
    private byte[] state = new byte[0];
    private long[] blockKey = new long[0];
    private long[] parentKey = new long[0];
    private long[] blockSalt = new long[0];
    private int[] blockTokens = new int[0];
    private int[] lruPrev = new int[0];
    private int[] lruNext = new int[0];

    private int lruHead = NONE;
    private int lruTail = NONE;
    private int numCached;
    private int numEvictable;
    private long[] insertKeys = new long[16];

    @Override
    public int match(int[] tokens, int numTokens, int blockSize, long salt, int[] blockIds) {
        PrefixIndexArgs.checkMatch(tokens, numTokens, blockSize, blockIds);
        this.blockSize = PrefixIndexArgs.fixBlockSize(this.blockSize, blockSize);
        int numFullBlocks = numTokens / blockSize;
        long parent = ChainedBlockHash.ROOT;
        int numMatched = 0;
        while (numMatched < numFullBlocks) {
            int from = numMatched * blockSize;
            long key = ChainedBlockHash.of(parent, salt, tokens, from, blockSize);
            int blockId = keyToBlock.get(key);
            if (blockId == LongIntMap.ABSENT || !holdsBlock(blockId, parent, salt, tokens, from)) {
                break;
            }
            blockIds[numMatched++] = blockId;
            parent = key;
        }
        counters.recordQuery(numTokens, numMatched * blockSize);
        return numMatched;
    }

    @Override
    public void insert(int[] tokens, int numBlocks, int blockSize, long salt, int[] blockIds) {
        PrefixIndexArgs.checkInsert(tokens, numBlocks, blockSize, blockIds);
        this.blockSize = PrefixIndexArgs.fixBlockSize(this.blockSize, blockSize);
        if (insertKeys.length < numBlocks) {
            insertKeys = new long[Math.max(numBlocks, 2 * insertKeys.length)];
        }
        // First pass checks everything, so a rejected call changes nothing.
        repeated.begin();
        long parent = ChainedBlockHash.ROOT;
        for (int i = 0; i < numBlocks; i++) {
            int blockId = blockIds[i];
            PrefixIndexArgs.checkBlockId(blockId);
            repeated.add(blockId);
            long key = ChainedBlockHash.of(parent, salt, tokens, i * blockSize, blockSize);
            if (isHeld(blockId) && (blockKey[blockId] != key || !holdsBlock(blockId, parent, salt, tokens, i * blockSize))) {
                throw new IllegalArgumentException("block " + blockId + " (blockIds[" + i + "]) is indexed for another prefix");
            }
            insertKeys[i] = key;
            parent = key;
        }
        parent = ChainedBlockHash.ROOT;
        for (int i = 0; i < numBlocks; i++) {
            int blockId = blockIds[i];
            long key = insertKeys[i];
            int cached = keyToBlock.get(key);
            if (cached == LongIntMap.ABSENT) {
                add(blockId, key, parent, salt, tokens, i * blockSize);
            } else if (!holdsBlock(cached, parent, salt, tokens, i * blockSize)) {
                // A key collision with another prefix: what follows could not be told apart from it either.
                break;
            } else if (cached == blockId) {
                onReferenced(blockId);
            }
            parent = key;
        }
    }

    @Override
    public void onReferenced(int blockId) {
        PrefixIndexArgs.checkBlockId(blockId);
        if (blockId < state.length && state[blockId] == EVICTABLE) {
            unlink(blockId);
            state[blockId] = REFERENCED;
        }
    }

    @Override
    public boolean onUnreferenced(int blockId) {
        PrefixIndexArgs.checkBlockId(blockId);
        if (!isHeld(blockId)) {
            return false;
        }
        if (state[blockId] == REFERENCED) {
            state[blockId] = EVICTABLE;
            append(blockId);
        }
        return true;
    }

    @Override
    public int evict(int numBlocks, int[] evicted) {
        PrefixIndexArgs.checkEvict(numBlocks, evicted);
        int numEvicted = 0;
        while (numEvicted < numBlocks && lruHead != NONE) {
            int blockId = lruHead;
            unlink(blockId);
            int removed = keyToBlock.remove(blockKey[blockId]);
            assert removed == blockId : "key of block " + blockId + " maps to " + removed;
            state[blockId] = ABSENT;
            numCached--;
            evicted[numEvicted++] = blockId;
        }
        return numEvicted;
    }

    @Override
    public int numEvictableBlocks() {
        return numEvictable;
    }

    @Override
    public PrefixCacheStats stats() {
        return counters.snapshot(numCached);
    }

    /**
     * Walks every structure and throws {@link AssertionError} where the class invariants do not hold; for
     * tests (it scans every block).
     */
    public void checkInvariants() {
        int numListed = 0;
        int previous = NONE;
        for (int b = lruHead; b != NONE; b = lruNext[b]) {
            check(state[b] == EVICTABLE, "listed block " + b + " is not evictable");
            check(lruPrev[b] == previous, "block " + b + " has a wrong previous link");
            previous = b;
            check(++numListed <= numEvictable, "LRU list longer than numEvictable " + numEvictable);
        }
        check(previous == lruTail, "LRU tail is " + lruTail + ", list ends at " + previous);
        check(numListed == numEvictable, "LRU list holds " + numListed + " blocks, numEvictable is " + numEvictable);
        int numHeld = 0;
        for (int b = 0; b < state.length; b++) {
            if (state[b] != ABSENT) {
                numHeld++;
                check(keyToBlock.get(blockKey[b]) == b, "the key of block " + b + " maps elsewhere");
            }
        }
        check(numHeld == numCached, numHeld + " blocks held, numCached is " + numCached);
        check(keyToBlock.size() == numCached, "map holds " + keyToBlock.size() + " keys, numCached is " + numCached);
    }

    private boolean isHeld(int blockId) {
        return blockId < state.length && state[blockId] != ABSENT;
    }

    private boolean holdsBlock(int blockId, long parent, long salt, int[] tokens, int from) {
        return parentKey[blockId] == parent && blockSalt[blockId] == salt
                && Arrays.equals(blockTokens, blockId * blockSize, (blockId + 1) * blockSize, tokens, from, from + blockSize);
    }

    private void add(int blockId, long key, long parent, long salt, int[] tokens, int from) {
        ensureCapacity(blockId);
        assert state[blockId] == ABSENT;
        keyToBlock.put(key, blockId);
        state[blockId] = REFERENCED;
        blockKey[blockId] = key;
        parentKey[blockId] = parent;
        blockSalt[blockId] = salt;
        System.arraycopy(tokens, from, blockTokens, blockId * blockSize, blockSize);
        numCached++;
    }

    private void append(int blockId) {
        lruPrev[blockId] = lruTail;
        lruNext[blockId] = NONE;
        if (lruTail == NONE) {
            lruHead = blockId;
        } else {
            lruNext[lruTail] = blockId;
        }
        lruTail = blockId;
        numEvictable++;
    }

    private void unlink(int blockId) {
        int prev = lruPrev[blockId];
        int next = lruNext[blockId];
        if (prev == NONE) {
            lruHead = next;
        } else {
            lruNext[prev] = next;
        }
        if (next == NONE) {
            lruTail = prev;
        } else {
            lruPrev[next] = prev;
        }
        numEvictable--;
    }

    private void ensureCapacity(int blockId) {
        if (blockId < state.length) {
            return;
        }
        int capacity = Math.max(blockId + 1, 2 * state.length);
        state = Arrays.copyOf(state, capacity);
        blockKey = Arrays.copyOf(blockKey, capacity);
        parentKey = Arrays.copyOf(parentKey, capacity);
        blockSalt = Arrays.copyOf(blockSalt, capacity);
        blockTokens = Arrays.copyOf(blockTokens, Math.multiplyExact(capacity, blockSize));
        lruPrev = Arrays.copyOf(lruPrev, capacity);
        lruNext = Arrays.copyOf(lruNext, capacity);
    }

    private static void check(boolean condition, String message) {
        if (!condition) {
            throw new AssertionError(message);
        }
    }
}
