package io.kvasir.engine.kv;

/**
 * The scheduler's handle on one sequence's KV cache state. Created by {@link KvCacheManager}, passed back
 * to it on every call; unusable once freed.
 */
public final class KvSequence {

    private final long id;
    final KvCacheManager manager;
    final TenantAccount account;
    final BlockTable table;
    boolean freed;

    KvSequence(long id, KvCacheManager manager, TenantAccount account, BlockTable table) {
        this.id = id;
        this.manager = manager;
        this.account = account;
        this.table = table;
    }

    /** Unique among the sequences of its manager. */
    public long id() {
        return id;
    }

    /** The tenant the sequence's blocks are charged to. */
    public String tenantId() {
        return account.tenantId;
    }

    /** Whether the sequence has been freed. */
    public boolean isFreed() {
        return freed;
    }

    @Override
    public String toString() {
        return "KvSequence[id=" + id + ", tenant=" + account.tenantId + (freed ? ", freed" : ", " + table) + "]";
    }
}
