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
 * Swaps preempted requests' KV blocks to an {@link OffloadTier} through one transfer buffer, and spills the
 * prefix cache's evicted blocks there (as entries the tier may drop) so a later hit can bring them back. Keys are a
 * per-request serial in the high bits and the block index in the low 24 bits. Loop thread only.
 *
 * <p>With a codec that keeps staging ({@link PagedKvMemory#stagingBytesPerBlock()} above 0), a swapped request whose
 * last block is open also stores that block's staging, every layer's, as one more entry (block index
 * {@link #STAGING_INDEX}); swap-in brings it back after the block's regions. Spilled prefix blocks are full, so
 * they never hold staging.
 *
 * <p>The tier is a plugin: a call that throws (or times out, through its guard) counts as a refusal, so a
 * swap-out falls back to recomputing, a swap-in makes the request recompute, and a spilled block is dropped.
 * The failure itself is counted by the tier's guard.
 */
final class TierSwapSpace implements KvSwapSpace, BlockSpill, AutoCloseable {

    /** Spilled prefix blocks are keyed by hash with the top bit set; swap keys never set it. */
    private static final long SPILL_TAG = Long.MIN_VALUE;

    private static final int BLOCK_INDEX_BITS = 24;

    /** The block index of a swapped request's staging entry: past any block index a sequence reaches. */
    private static final long STAGING_INDEX = (1L << BLOCK_INDEX_BITS) - 1;

    private final OffloadTier tier;
    private final PagedKvMemory kvMemory;
    private final Arena arena = Arena.ofShared();
    /** One block's regions on their way to or from the tier. */
    private final MemorySegment transfer;
    /** One open block's staging on its way to or from the tier; {@link MemorySegment#NULL} without staging. */
    private final MemorySegment stagingTransfer;
    private final Map<Request, Swapped> swapped = new HashMap<>();
    private long nextSerial = 1;

    /** A swapped request's entries: blocks {@code base .. base + numBlocks - 1}, and its staging when it had one. */
    private record Swapped(long base, int numBlocks, boolean staged) {
    }

    TierSwapSpace(OffloadTier tier, PagedKvMemory kvMemory) {
        this.tier = tier;
        this.kvMemory = kvMemory;
        this.transfer = arena.allocate(kvMemory.bytesPerBlock(), 64);
        long stagingBytes = kvMemory.stagingBytesPerBlock();
        this.stagingTransfer = stagingBytes == 0 ? MemorySegment.NULL : arena.allocate(stagingBytes, 64);
    }

    @Override
    public boolean swapOut(Request request, BlockTable table) {
        long base = (nextSerial++) << BLOCK_INDEX_BITS;
        int numBlocks = table.numBlocks();
        assert numBlocks < STAGING_INDEX : numBlocks;
        for (int i = 0; i < numBlocks; i++) {
            kvMemory.copyBlockOut(table.blockId(i), transfer);
            if (!put(base + i, transfer, false)) {
                removeBlocks(base, i);
                return false;
            }
        }
        boolean staged = numBlocks > 0 && kvMemory.isOpen(table.blockId(numBlocks - 1));
        if (staged) {
            kvMemory.copyStagingOut(table.blockId(numBlocks - 1), stagingTransfer);
            if (!put(base + STAGING_INDEX, stagingTransfer, false)) {
                removeBlocks(base, numBlocks);
                return false;
            }
        }
        swapped.put(request, new Swapped(base, numBlocks, staged));
        return true;
    }

    @Override
    public boolean swapIn(Request request, BlockTable table) {
        Swapped entry = swapped.get(request);
        if (entry == null || table.numBlocks() < entry.numBlocks()) {
            return false;
        }
        for (int i = 0; i < entry.numBlocks(); i++) {
            if (!get(entry.base() + i, transfer)) {
                return false;
            }
            kvMemory.copyBlockIn(transfer, table.blockId(i));
        }
        if (entry.staged()) {
            if (!get(entry.base() + STAGING_INDEX, stagingTransfer)) {
                return false;
            }
            kvMemory.copyStagingIn(stagingTransfer, table.blockId(entry.numBlocks() - 1));
        }
        return true;
    }

    @Override
    public void discard(Request request) {
        Swapped entry = swapped.remove(request);
        if (entry != null) {
            removeBlocks(entry.base(), entry.numBlocks());
            if (entry.staged()) {
                remove(entry.base() + STAGING_INDEX);
            }
        }
    }

    @Override
    public boolean spill(long key, int blockId) {
        assert !kvMemory.isOpen(blockId) : "spilled prefix block " + blockId + " is partly filled";
        kvMemory.copyBlockOut(blockId, transfer);
        return put(key | SPILL_TAG, transfer, true);
    }

    @Override
    public boolean restore(long key, int blockId) {
        if (!get(key | SPILL_TAG, transfer)) {
            return false;
        }
        kvMemory.copyBlockIn(transfer, blockId);
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

    private boolean put(long key, MemorySegment data, boolean evictable) {
        try {
            return evictable ? tier.putEvictable(key, data) : tier.put(key, data);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private boolean get(long key, MemorySegment dst) {
        try {
            return tier.get(key, dst);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Removes the block entries {@code base .. base + numBlocks - 1}. */
    private void removeBlocks(long base, int numBlocks) {
        for (int i = 0; i < numBlocks; i++) {
            remove(base + i);
        }
    }

    private void remove(long key) {
        try {
            tier.remove(key);
        } catch (RuntimeException e) {
            // A tier that cannot forget a key wastes its own space; the engine no longer refers to it.
        }
    }

    /** Releases the transfer buffers and closes the tier (a tier that fails to close is left as it is). */
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
