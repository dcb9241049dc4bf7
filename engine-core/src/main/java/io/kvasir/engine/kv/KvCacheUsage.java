package io.kvasir.engine.kv;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A point-in-time view of a KV cache: pool occupancy and, per tenant, what it holds and has held.
 *
 * @param takenAtNanos the manager's clock when the snapshot was taken
 * @param numBlocks blocks in the pool
 * @param numFreeBlocks blocks with no reference (cached ones included)
 * @param numCachedBlocks blocks whose hash is in the prefix map, in use or free
 * @param tenants one entry per tenant seen so far, ordered by tenant id
 */
public record KvCacheUsage(long takenAtNanos, int numBlocks, int numFreeBlocks, int numCachedBlocks,
                           List<TenantUsage> tenants) {

    /** Copies the tenant list. */
    public KvCacheUsage {
        tenants = List.copyOf(tenants);
    }

    /** Blocks with at least one reference. */
    public int numUsedBlocks() {
        return numBlocks - numFreeBlocks;
    }

    /** The entry for a tenant, if it has ever had a sequence. */
    public Optional<TenantUsage> tenant(String tenantId) {
        for (TenantUsage usage : tenants) {
            if (usage.tenantId().equals(tenantId)) {
                return Optional.of(usage);
            }
        }
        return Optional.empty();
    }

    /**
     * One tenant's KV usage.
     *
     * <p>A block shared by several of the tenant's sequences (a fork for {@code n > 1}) counts once per
     * sequence: a tenant is charged what its sequences would hold without sharing, and the saving goes to
     * the pool.
     *
     * @param tenantId the tenant
     * @param numSequences its live sequences
     * @param numBlocksHeld block references its live sequences hold now
     * @param blockSeconds blocks held integrated over time since the tenant's first sequence
     */
    public record TenantUsage(String tenantId, int numSequences, long numBlocksHeld, double blockSeconds) {

        /** Checks the tenant id is present. */
        public TenantUsage {
            Objects.requireNonNull(tenantId, "tenantId");
        }
    }
}
