package io.kvasir.engine.kv;

/**
 * One tenant's KV accounting: sequences, block references held, and block-seconds integrated over time.
 *
 * <p>Block-seconds are kept exactly, as whole block-seconds plus a remainder in block-nanoseconds below
 * one block-second, so long runs neither overflow nor lose precision. Invariant: every change to
 * {@code numBlocksHeld} is preceded by {@link #chargeUntil(long)} at the time of the change.
 */
final class TenantAccount {

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    final String tenantId;
    int numSequences;
    long numBlocksHeld;
    private long wholeBlockSeconds;
    private long remainderBlockNanos;
    private long chargedUntilNanos;

    TenantAccount(String tenantId, long nowNanos) {
        this.tenantId = tenantId;
        this.chargedUntilNanos = nowNanos;
    }

    /** Adds {@code numBlocksHeld × (now − last charge)} to the block-seconds. */
    void chargeUntil(long nowNanos) {
        long elapsed = nowNanos - chargedUntilNanos;
        if (elapsed <= 0) {
            // A clock that stands still or steps back charges nothing rather than a negative amount.
            return;
        }
        chargedUntilNanos = nowNanos;
        if (numBlocksHeld == 0) {
            return;
        }
        wholeBlockSeconds += numBlocksHeld * (elapsed / NANOS_PER_SECOND);
        remainderBlockNanos += numBlocksHeld * (elapsed % NANOS_PER_SECOND);
        wholeBlockSeconds += remainderBlockNanos / NANOS_PER_SECOND;
        remainderBlockNanos %= NANOS_PER_SECOND;
    }

    void addBlocks(long nowNanos, long numBlocks) {
        chargeUntil(nowNanos);
        numBlocksHeld += numBlocks;
        assert numBlocksHeld >= 0 : "tenant " + tenantId + " holds " + numBlocksHeld + " blocks";
    }

    double blockSeconds() {
        return wholeBlockSeconds + (double) remainderBlockNanos / NANOS_PER_SECOND;
    }

    KvCacheUsage.TenantUsage snapshot() {
        return new KvCacheUsage.TenantUsage(tenantId, numSequences, numBlocksHeld, blockSeconds());
    }
}
