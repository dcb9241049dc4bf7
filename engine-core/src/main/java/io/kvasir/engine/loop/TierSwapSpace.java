package io.kvasir.engine.loop;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;

import io.kvasir.api.plugin.OffloadTier;
import io.kvasir.engine.kv.BlockTable;
import io.kvasir.engine.model.PagedKvMemory;
import io.kvasir.engine.sched.BlockSpill;
import io.kvasir.engine.sched.KvSwapSpace;
import io.kvasir.engine.sched.Request;

/**
 * Swaps preempted requests' KV blocks to an {@link OffloadTier} through one staging buffer, and spills the
 * prefix cache's evicted blocks there (as entries the tier may drop) so a later hit can bring them back. Keys are a
 * per-request serial in the high bits and the block index in the low 24 bits. Loop thread only.
 *
 * <p>The tier is a plugin: a call that throws (or times out, through its guard) counts as a refusal, so a
 * swap-out falls back to recomputing, a swap-in makes the request recompute, and a spilled block is dropped.
 * The failure itself is counted by the tier's guard.
 */
final class TierSwapSpace implements KvSwapSpace, BlockSpill, AutoCloseable {

    /** Spilled prefix blocks are keyed by hash with the top bit set; swap keys never set it. */
    private static final long SPILL_TAG = Long.MIN_VALUE;

    private static final int BLOCK_INDEX_BITS = 24;

    private final OffloadTier tier;
    private final PagedKvMemory kvMemory;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment staging;
    private final Map<Request, long[]> swapped = new HashMap<>();
    private long nextSerial = 1;

    TierSwapSpace(OffloadTier tier, PagedKvMemory kvMemory) {
        this.tier = tier;
        this.kvMemory = kvMemory;
        this.staging = arena.allocate(kvMemory.bytesPerBlock(), 64);
    }

    @Override
    public boolean swapOut(Request request, BlockTable table) {
        long base = (nextSerial++) << BLOCK_INDEX_BITS;
        int numBlocks = table.numBlocks();
        for (int i = 0; i < numBlocks; i++) {
            kvMemory.copyBlockOut(table.blockId(i), staging);
            if (!put(base + i, false)) {
                for (int j = 0; j < i; j++) {
                    remove(base + j);
                }
                return false;
            }
        }
        swapped.put(request, new long[] {base, numBlocks});
        return true;
    }

    @Override
    public boolean swapIn(Request request, BlockTable table) {
        long[] entry = swapped.get(request);
        if (entry == null || table.numBlocks() < entry[1]) {
            return false;
        }
        for (int i = 0; i < entry[1]; i++) {
            if (!get(entry[0] + i)) {
                return false;
            }
            kvMemory.copyBlockIn(staging, table.blockId(i));
        }
        return true;
    }

    @Override
    public void discard(Request request) {
        long[] entry = swapped.remove(request);
        if (entry != null) {
            for (int i = 0; i < entry[1]; i++) {
                remove(entry[0] + i);
            }
        }
    }

    @Override
    public boolean spill(long key, int blockId) {
        kvMemory.copyBlockOut(blockId, staging);
        return put(key | SPILL_TAG, true);
    }

    @Override
    public boolean restore(long key, int blockId) {
        if (!get(key | SPILL_TAG)) {
            return false;
        }
        kvMemory.copyBlockIn(staging, blockId);
        return true;
    }

    /** Bytes the tier holds (swapped and spilled blocks); any thread may ask (0 when the tier fails to say). */
    long usedBytes() {
        try {
            return tier.usedBytes();
        } catch (RuntimeException e) {
            return 0;
        }
    }

    /** The tier's byte budget (0 when the tier fails to say). */
    long capacityBytes() {
        try {
            return tier.capacityBytes();
        } catch (RuntimeException e) {
            return 0;
        }
    }

    private boolean put(long key, boolean evictable) {
        try {
            return evictable ? tier.putEvictable(key, staging) : tier.put(key, staging);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private boolean get(long key) {
        try {
            return tier.get(key, staging);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private void remove(long key) {
        try {
            tier.remove(key);
        } catch (RuntimeException e) {
            // A tier that cannot forget a key wastes its own space; the engine no longer refers to it.
        }
    }

    /** Releases the staging buffer and closes the tier (a tier that fails to close is left as it is). */
    @Override
    public void close() {
        arena.close();
        try {
            tier.close();
        } catch (RuntimeException e) {
            // Nothing is lost: the engine is closing and holds no swapped request any more.
        }
    }
}
