package io.kvasir.gateway.admission;

import java.util.function.LongSupplier;

/**
 * A tenant's tokens-per-minute allowance as a bucket that refills continuously ({@code capacity} tokens per
 * minute, holding at most {@code capacity}). A request reserves its worst case (prompt plus {@code max_tokens})
 * when admitted and is refunded what it did not use when it ends; a request that used more than it reserved is
 * charged the difference, which may take the bucket below zero so that later requests wait for it.
 *
 * <p>Invariants: {@code available <= capacity}; a capacity of 0 means unlimited and every reservation succeeds.
 * Thread-safe; the clock is injected so tests need no sleeping.
 */
final class TokenBudget {

    /** What {@link #tryReserve} returns for a request larger than the whole per-minute capacity. */
    static final long NEVER = Long.MAX_VALUE;

    private static final double NANOS_PER_MINUTE = 60e9;

    private final LongSupplier nanoClock;
    private long capacity;
    private double available;
    private long lastRefillNanos;

    TokenBudget(long capacity, LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        this.capacity = capacity;
        this.available = capacity;
        this.lastRefillNanos = nanoClock.getAsLong();
    }

    /**
     * Takes {@code tokens} if the bucket holds them.
     *
     * @return 0 when reserved; otherwise nothing is taken and the result is the nanoseconds until the bucket will
     *         hold them, or {@link #NEVER} when they exceed the capacity
     */
    synchronized long tryReserve(long tokens) {
        if (capacity == 0 || tokens <= 0) {
            return 0;
        }
        if (tokens > capacity) {
            return NEVER;
        }
        refill();
        if (available >= tokens) {
            available -= tokens;
            return 0;
        }
        return (long) Math.ceil((tokens - available) * NANOS_PER_MINUTE / capacity);
    }

    /** Settles a reservation: gives back what was reserved and not used, or charges what was used beyond it. */
    synchronized void settle(long reserved, long used) {
        if (capacity == 0) {
            return;
        }
        refill();
        available = Math.min(capacity, available + (reserved - used));
    }

    /** Changes the capacity (a tenant's limit changed); what is available is capped at the new capacity. */
    synchronized void changeCapacity(long newCapacity) {
        if (newCapacity == capacity) {
            return;
        }
        refill();
        available = capacity == 0 ? newCapacity : Math.min(available, newCapacity);
        capacity = newCapacity;
    }

    synchronized long capacity() {
        return capacity;
    }

    /** Tokens available now (may be negative after an overrun). */
    synchronized double available() {
        refill();
        return available;
    }

    private void refill() {
        long now = nanoClock.getAsLong();
        long elapsed = now - lastRefillNanos;
        lastRefillNanos = now;
        if (elapsed > 0 && capacity > 0) {
            available = Math.min(capacity, available + elapsed * (capacity / NANOS_PER_MINUTE));
        }
    }
}
