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
            if (!tier.put(base + i, staging)) {
                for (int j = 0; j < i; j++) {
                    tier.remove(base + j);
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
            if (!tier.get(entry[0] + i, staging)) {
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
                tier.remove(entry[0] + i);
            }
        }
    }

    @Override
    public boolean spill(long key, int blockId) {
        kvMemory.copyBlockOut(blockId, staging);
        return tier.putEvictable(key | SPILL_TAG, staging);
    }

    @Override
    public boolean restore(long key, int blockId) {
        if (!tier.get(key | SPILL_TAG, staging)) {
            return false;
        }
        kvMemory.copyBlockIn(staging, blockId);
        return true;
    }

    /** Bytes the tier holds (swapped and spilled blocks); the tier is thread-safe, so any thread may ask. */
    long usedBytes() {
        return tier.usedBytes();
    }

    /** The tier's byte budget. */
    long capacityBytes() {
        return tier.capacityBytes();
    }

    @Override
    public void close() {
        arena.close();
        tier.close();
    }
}
