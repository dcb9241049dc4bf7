package io.kvasir.engine.kv;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

import org.jspecify.annotations.Nullable;

/**
 * The policy layer between the scheduler and the {@link BlockPool}: gives sequences the blocks their
 * tokens need, shares blocks between forks with copy-on-write, and charges tenants for what they hold.
 *
 * <p>One rule covers prefill, chunked prefill and decode alike: a sequence has {@code numTokens} slots,
 * and {@link #allocateSlots} grows that number by however many tokens the step will write.
 *
 * <p>Invariants:
 * <ul>
 *   <li>every live sequence holds exactly {@code ceil(numTokens / blockSize)} blocks, and one reference
 *       on each;</li>
 *   <li>only a sequence's last block may be partly filled, and a sequence writes into it only while it
 *       holds the sole reference (otherwise it first gets a private copy, reported in
 *       {@link #pendingCopies()});</li>
 *   <li>a tenant's {@code numBlocksHeld} is the sum of its live sequences' block counts;</li>
 *   <li>after every sequence is freed, the pool's blocks are back to the state other holders left them in
 *       (all free when the manager was their only user).</li>
 * </ul>
 *
 * <p>Not thread-safe: called from the engine loop only. Per-token work allocates nothing; creating a
 * sequence or a fork allocates its handle and table.
 */
public final class KvCacheManager {

    private final BlockPool pool;
    private final LongSupplier nanoTime;
    private final int blockSize;
    private final int[] newBlockIds;
    private final BlockCopies pendingCopies;
    private final Map<String, TenantAccount> tenants = new HashMap<>();
    private @Nullable LastReferenceHook lastReferenceHook;
    private long nextSequenceId;
    private int numSequences;

    /**
     * @param pool the blocks to manage
     * @param nanoTime a monotonic clock for block-second accounting ({@code System::nanoTime} in production)
     */
    public KvCacheManager(BlockPool pool, LongSupplier nanoTime) {
        this.pool = Objects.requireNonNull(pool, "pool");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        this.blockSize = pool.blockSize();
        this.newBlockIds = new int[pool.numBlocks()];
        this.pendingCopies = new BlockCopies(pool.numBlocks());
    }

    /**
     * Decides about a block whose last sequence reference is going: a prefix cache may take the reference
     * over (the block stays out of the free queue, its contents reusable) instead of freeing it.
     */
    @FunctionalInterface
    public interface LastReferenceHook {
        /** Returns true to take over the last reference of {@code blockId}. */
        boolean retain(int blockId);
    }

    /** Installs (or, with null, removes) the hook consulted before a block's last reference is freed. */
    public void setLastReferenceHook(@Nullable LastReferenceHook hook) {
        this.lastReferenceHook = hook;
    }

    /**
     * Appends a full block of cached KV to an empty or block-aligned sequence: its tokens count as present.
     *
     * @param referenceTransferred whether the caller hands over a reference it already holds on the block
     *     (a prefix cache giving back a block it retained); otherwise the sequence takes a new reference
     */
    public void appendCachedBlock(KvSequence seq, int blockId, boolean referenceTransferred) {
        BlockTable table = live(seq).table;
        if (table.numTokens() % blockSize != 0) {
            throw new IllegalStateException("cached blocks may only follow full blocks");
        }
        if (!referenceTransferred) {
            pool.incRef(blockId);
        }
        table.append(blockId);
        table.setNumTokens(table.numTokens() + blockSize);
        seq.account.addBlocks(nanoTime.getAsLong(), 1);
    }

    /** The pool this manager allocates from. */
    public BlockPool pool() {
        return pool;
    }

    /** Blocks that can be allocated now. */
    public int numFreeBlocks() {
        return pool.numFreeBlocks();
    }

    /** Live sequences. */
    public int numSequences() {
        return numSequences;
    }

    /**
     * Starts an empty sequence.
     *
     * @param tenantId the tenant its blocks are charged to; not blank
     */
    public KvSequence createSequence(String tenantId) {
        if (tenantId == null || tenantId.isBlank()) {
            throw new IllegalArgumentException("tenantId must not be blank");
        }
        TenantAccount account = tenants.get(tenantId);
        if (account == null) {
            account = new TenantAccount(tenantId, nanoTime.getAsLong());
            tenants.put(tenantId, account);
        }
        account.numSequences++;
        numSequences++;
        return new KvSequence(nextSequenceId++, this, account, new BlockTable(blockSize));
    }

    /**
     * How many free blocks {@link #allocateSlots} would need for {@code numNewTokens} more tokens,
     * counting a copy-on-write block when the last block is shared and partly filled.
     */
    public int numBlocksNeeded(KvSequence seq, int numNewTokens) {
        BlockTable table = live(seq).table;
        long numTokensAfter = numTokensAfter(table, numNewTokens);
        if (numNewTokens == 0) {
            return 0;
        }
        int numNewBlocks = BlockTable.ceilDiv(numTokensAfter, blockSize) - table.numBlocks();
        return numNewBlocks + (needsCopyOnWrite(table) ? 1 : 0);
    }

    /**
     * Makes room for {@code numNewTokens} more tokens: allocates the blocks that {@code numTokens +
     * numNewTokens} tokens need, all or nothing, and advances {@code numTokens}. When the tokens would go
     * into a partly filled last block that another sequence shares, the sequence first gets a fresh block
     * and a copy is added to {@link #pendingCopies()}.
     *
     * @param numNewTokens tokens the next step writes for this sequence, at least 0
     * @return false, with nothing changed, when the pool has too few free blocks
     */
    public boolean allocateSlots(KvSequence seq, int numNewTokens) {
        BlockTable table = live(seq).table;
        long numTokensAfter = numTokensAfter(table, numNewTokens);
        if (numNewTokens == 0) {
            return true;
        }
        int numNewBlocks = BlockTable.ceilDiv(numTokensAfter, blockSize) - table.numBlocks();
        boolean copyOnWrite = needsCopyOnWrite(table);
        int numToAllocate = numNewBlocks + (copyOnWrite ? 1 : 0);
        // Checked here, not left to the pool: a request larger than the whole pool must fail the same way.
        if (numToAllocate > pool.numFreeBlocks()) {
            return false;
        }
        boolean allocated = pool.allocate(numToAllocate, newBlockIds, 0);
        assert allocated;
        int next = 0;
        if (copyOnWrite) {
            int shared = table.lastBlockId();
            int copy = newBlockIds[next++];
            table.replaceLast(copy);
            pool.free(shared);
            assert pool.refCount(shared) > 0 : "copy-on-write source " + shared + " lost its last reference";
            pendingCopies.add(shared, copy);
        }
        while (next < numToAllocate) {
            table.append(newBlockIds[next++]);
        }
        table.setNumTokens((int) numTokensAfter);
        if (numNewBlocks > 0) {
            seq.account.addBlocks(nanoTime.getAsLong(), numNewBlocks);
        }
        return true;
    }

    /**
     * Ends a sequence: its blocks go back to the pool last block first, so the tail of the sequence sits
     * nearest the front of the free queue and is reused before the prefix, which other requests are more
     * likely to share. The handle is unusable afterwards.
     */
    public void free(KvSequence seq) {
        BlockTable table = live(seq).table;
        for (int i = table.numBlocks() - 1; i >= 0; i--) {
            int blockId = table.blockId(i);
            if (lastReferenceHook != null && pool.refCount(blockId) == 1 && lastReferenceHook.retain(blockId)) {
                continue;
            }
            pool.free(blockId);
        }
        seq.account.addBlocks(nanoTime.getAsLong(), -table.numBlocks());
        seq.account.numSequences--;
        numSequences--;
        table.clear();
        seq.freed = true;
    }

    /**
     * Shrinks a sequence to its first {@code numTokens} slots (after an eviction policy compacted the kept
     * slots to the front): blocks past them go back to the pool.
     */
    public void truncate(KvSequence seq, int numTokens) {
        BlockTable table = live(seq).table;
        if (numTokens < 0 || numTokens > table.numTokens()) {
            throw new IllegalArgumentException("cannot truncate a sequence of " + table.numTokens() + " tokens to " + numTokens);
        }
        int numBlocksKept = BlockTable.ceilDiv(numTokens, blockSize);
        int numFreed = 0;
        while (table.numBlocks() > numBlocksKept) {
            int blockId = table.removeLast();
            if (lastReferenceHook == null || pool.refCount(blockId) != 1 || !lastReferenceHook.retain(blockId)) {
                pool.free(blockId);
            }
            numFreed++;
        }
        table.setNumTokens(numTokens);
        if (numFreed > 0) {
            seq.account.addBlocks(nanoTime.getAsLong(), -numFreed);
        }
    }

    /**
     * Starts a sequence that shares all of the parent's blocks and tokens (for {@code n > 1} sampling).
     * Whichever of the two next writes into a shared, partly filled last block gets its own copy first.
     * The child is charged to the parent's tenant.
     */
    public KvSequence fork(KvSequence parent) {
        BlockTable table = live(parent).table;
        for (int i = 0; i < table.numBlocks(); i++) {
            pool.incRef(table.blockId(i));
        }
        TenantAccount account = parent.account;
        account.addBlocks(nanoTime.getAsLong(), table.numBlocks());
        account.numSequences++;
        numSequences++;
        return new KvSequence(nextSequenceId++, this, account, table.copy());
    }

    /**
     * Publishes one of the sequence's full blocks in the prefix map under {@code hash} (see
     * {@link BlockPool#cacheFullBlock}); compute the hash with {@link BlockHasher}.
     *
     * @param blockIndex an index below {@code blockTable(seq).numFullBlocks()}
     * @return whether the map now sends {@code hash} to this block
     */
    public boolean cacheFullBlock(KvSequence seq, int blockIndex, long hash) {
        BlockTable table = live(seq).table;
        if (blockIndex < 0 || blockIndex >= table.numFullBlocks()) {
            throw new IllegalArgumentException("blockIndex " + blockIndex + " is not a full block of a sequence with "
                    + table.numTokens() + " tokens in blocks of " + blockSize);
        }
        return pool.cacheFullBlock(table.blockId(blockIndex), hash);
    }

    /**
     * Copies the backend must perform, in order, before the next forward pass; the engine loop clears
     * the list once they are done.
     */
    public BlockCopies pendingCopies() {
        return pendingCopies;
    }

    /** The sequence's block table (read-only outside this package). */
    public BlockTable blockTable(KvSequence seq) {
        return live(seq).table;
    }

    /** The sequence's tokens with a slot. */
    public int numTokens(KvSequence seq) {
        return live(seq).table.numTokens();
    }

    /** Pool occupancy and per-tenant accounting, charged up to now. Allocates; not for per-token use. */
    public KvCacheUsage usage() {
        long now = nanoTime.getAsLong();
        List<KvCacheUsage.TenantUsage> tenantUsages = new ArrayList<>(tenants.size());
        for (TenantAccount account : tenants.values()) {
            account.chargeUntil(now);
            tenantUsages.add(account.snapshot());
        }
        tenantUsages.sort(Comparator.comparing(KvCacheUsage.TenantUsage::tenantId));
        return new KvCacheUsage(now, pool.numBlocks(), pool.numFreeBlocks(), pool.numCachedBlocks(), tenantUsages);
    }

    private boolean needsCopyOnWrite(BlockTable table) {
        return table.numTokens() % blockSize != 0 && pool.refCount(table.lastBlockId()) > 1;
    }

    private static long numTokensAfter(BlockTable table, int numNewTokens) {
        if (numNewTokens < 0) {
            throw new IllegalArgumentException("numNewTokens must be non-negative: " + numNewTokens);
        }
        long numTokensAfter = (long) table.numTokens() + numNewTokens;
        if (numTokensAfter > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("numNewTokens " + numNewTokens + " takes the sequence past "
                    + Integer.MAX_VALUE + " tokens");
        }
        return numTokensAfter;
    }

    private KvSequence live(KvSequence seq) {
        Objects.requireNonNull(seq, "seq");
        if (seq.manager != this) {
            throw new IllegalArgumentException("sequence " + seq.id() + " belongs to another KvCacheManager");
        }
        if (seq.freed) {
            throw new IllegalStateException("sequence " + seq.id() + " has been freed");
        }
        return seq;
    }
}
