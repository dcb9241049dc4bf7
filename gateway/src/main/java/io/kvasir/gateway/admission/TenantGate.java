package io.kvasir.gateway.admission;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;
import io.kvasir.gateway.store.TenantLimits;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * One tenant's admission state: a Resilience4j {@link RateLimiter} for requests per minute, a {@link TokenBudget}
 * for tokens per minute, a Resilience4j {@link Bulkhead} for requests in flight, and a FIFO line of requests
 * waiting for a bulkhead slot.
 *
 * <p>Invariants (all state is guarded by this object's monitor):
 * <ul>
 *   <li>a refused request has consumed nothing: no rate-limiter permit, no tokens, no slot;</li>
 *   <li>{@code inFlight <= maxConcurrent} once a lowered limit has been reached (a lowered limit is approached as
 *       requests in flight finish, never by blocking);</li>
 *   <li>{@code waiting.size() <= maxQueued}; a waiter leaves the line exactly once: granted, withdrawn or timed out;</li>
 *   <li>a newcomer never overtakes a waiter: while anyone waits, newcomers queue behind them.</li>
 * </ul>
 */
final class TenantGate {

    /** What {@link #enter} decided. */
    sealed interface Entry {
    }

    /** Holds a slot now. */
    record Admitted() implements Entry {
    }

    /** Waits in line for a slot. */
    record Queued() implements Entry {
    }

    /** Refused; nothing consumed. */
    record Refused(Refusal refusal) implements Entry {
    }

    /** Cancelled while entering; its tokens are given back, its model queue place is the caller's to return. */
    record Withdrawn() implements Entry {
    }

    private final String tenantId;
    private final RateLimiter requestsPerMinute;
    private final TokenBudget tokensPerMinute;
    private final Bulkhead concurrency;
    private final ArrayDeque<Waiter> waiting = new ArrayDeque<>();
    private final Duration retryAfter;
    private TenantLimits limits;

    TenantGate(String tenantId, TenantLimits limits, Duration retryAfter, LongSupplier nanoClock) {
        this.tenantId = tenantId;
        this.limits = limits;
        this.retryAfter = retryAfter;
        this.requestsPerMinute = RateLimiter.of("tenant-" + tenantId, RateLimiterConfig.custom()
                .limitForPeriod(Math.max(1, limits.requestsPerMinute()))
                .limitRefreshPeriod(Duration.ofMinutes(1))
                .timeoutDuration(Duration.ZERO)
                .build());
        this.tokensPerMinute = new TokenBudget(limits.tokensPerMinute(), nanoClock);
        this.concurrency = Bulkhead.of("tenant-" + tenantId, bulkheadConfig(limits.maxConcurrent()));
    }

    /** Adopts changed limits; requests admitted under the old ones are unaffected. */
    synchronized List<Waiter> apply(TenantLimits newLimits) {
        if (newLimits.equals(limits)) {
            return List.of();
        }
        if (newLimits.requestsPerMinute() != limits.requestsPerMinute() && newLimits.requestsPerMinute() > 0) {
            requestsPerMinute.changeLimitForPeriod(newLimits.requestsPerMinute());
        }
        tokensPerMinute.changeCapacity(newLimits.tokensPerMinute());
        limits = newLimits;
        int configured = concurrency.getBulkheadConfig().getMaxConcurrentCalls();
        if (newLimits.maxConcurrent() > configured) {
            concurrency.changeConfig(bulkheadConfig(newLimits.maxConcurrent()));
        }
        shrinkTowardLimit();
        return grantWaiters();
    }

    /**
     * Tries to admit a request charged {@code tokens}; when it is {@link Queued}, {@code waiter} is in line.
     */
    synchronized Entry enter(long tokens, Waiter waiter) {
        boolean slotFree = waiting.isEmpty() && concurrency.getMetrics().getAvailableConcurrentCalls() > 0;
        if (!slotFree && waiting.size() >= limits.maxQueued()) {
            return new Refused(new Refusal(Refusal.CONCURRENCY, retryAfter, "Tenant '" + tenantId + "' has "
                    + limits.maxConcurrent() + " requests in flight and " + waiting.size()
                    + " waiting, its limits; retry later."));
        }
        long tokenWait = tokensPerMinute.tryReserve(tokens);
        if (tokenWait == TokenBudget.NEVER) {
            return new Refused(new Refusal(Refusal.TOKEN_LIMIT, Duration.ofMinutes(1), "This request needs " + tokens
                    + " tokens (prompt plus max_tokens) but tenant '" + tenantId + "' may use at most "
                    + limits.tokensPerMinute() + " per minute; lower max_tokens."));
        }
        if (tokenWait > 0) {
            return new Refused(new Refusal(Refusal.TOKEN_LIMIT, Duration.ofNanos(tokenWait), "Tenant '" + tenantId
                    + "' reached its limit of " + limits.tokensPerMinute() + " tokens per minute."));
        }
        if (limits.requestsPerMinute() > 0 && !requestsPerMinute.acquirePermission()) {
            tokensPerMinute.settle(tokens, 0);
            return new Refused(new Refusal(Refusal.RATE_LIMIT, Duration.ofNanos(nanosToNextRequest()), "Tenant '"
                    + tenantId + "' reached its limit of " + limits.requestsPerMinute() + " requests per minute."));
        }
        if (waiter.isCancelled() || (slotFree && !waiter.markGranted())) {
            tokensPerMinute.settle(tokens, 0);
            return new Withdrawn();
        }
        if (slotFree && concurrency.tryAcquirePermission()) {
            return new Admitted();
        }
        waiting.addLast(waiter);
        return new Queued();
    }

    /**
     * Gives a slot back and hands free slots to waiters, oldest first.
     *
     * @return the waiters that now hold a slot; the caller delivers their permits outside this monitor
     */
    synchronized List<Waiter> leave() {
        concurrency.onComplete();
        shrinkTowardLimit();
        return grantWaiters();
    }

    /**
     * Takes a cancelled waiter out of line and gives back its tokens; false when it was not in line (not yet
     * queued, or already taken out by {@link #leave()}, which then gave them back).
     */
    synchronized boolean withdraw(Waiter waiter) {
        if (!waiting.remove(waiter)) {
            return false;
        }
        tokensPerMinute.settle(waiter.permit.reservedTokens, 0);
        return true;
    }

    /** Returns tokens reserved for a request that ended using {@code used} of them. */
    void settleTokens(long reserved, long used) {
        tokensPerMinute.settle(reserved, used);
    }

    /** Tokens the tenant may still use this minute (negative after an overrun). */
    double tokensAvailable() {
        return tokensPerMinute.available();
    }

    synchronized int numWaiting() {
        return waiting.size();
    }

    synchronized int numInFlight() {
        BulkheadConfig config = concurrency.getBulkheadConfig();
        return config.getMaxConcurrentCalls() - concurrency.getMetrics().getAvailableConcurrentCalls();
    }

    /** Gives free slots to waiters, oldest first; a cancelled waiter met on the way is given back here. */
    private List<Waiter> grantWaiters() {
        List<Waiter> granted = new ArrayList<>();
        while (!waiting.isEmpty() && concurrency.getMetrics().getAvailableConcurrentCalls() > 0) {
            Waiter next = waiting.pollFirst();
            if (next.markGranted()) {
                boolean acquired = concurrency.tryAcquirePermission();
                assert acquired : "a free slot was seen under the gate's monitor";
                granted.add(next);
            } else {
                tokensPerMinute.settle(next.permit.reservedTokens, 0);
                next.permit.queue.leave();
            }
        }
        return granted;
    }

    /** Lowers the bulkhead toward a lowered limit by as many free slots as there are, never blocking. */
    private void shrinkTowardLimit() {
        int configured = concurrency.getBulkheadConfig().getMaxConcurrentCalls();
        int step = Math.min(configured - limits.maxConcurrent(), concurrency.getMetrics().getAvailableConcurrentCalls());
        if (step > 0) {
            concurrency.changeConfig(bulkheadConfig(configured - step));
        }
    }

    private long nanosToNextRequest() {
        if (requestsPerMinute instanceof AtomicRateLimiter atomic) {
            return Math.max(1, atomic.getDetailedMetrics().getNanosToWait());
        }
        return Duration.ofMinutes(1).toNanos();
    }

    private static BulkheadConfig bulkheadConfig(int maxConcurrent) {
        return BulkheadConfig.custom().maxConcurrentCalls(maxConcurrent).maxWaitDuration(Duration.ZERO).build();
    }
}
