package io.kvasir.gateway.store;

/**
 * What a tenant may ask of the gateway.
 *
 * <p>Invariants: {@code requestsPerMinute} and {@code tokensPerMinute} are {@code >= 0}, where 0 means no limit;
 * {@code maxConcurrent >= 1}; {@code maxQueued >= 0}.
 *
 * @param requestsPerMinute requests admitted per minute (Resilience4j rate limiter); 0: unlimited
 * @param tokensPerMinute prompt plus completion tokens per minute; a request is charged its prompt and
 *        {@code max_tokens} when admitted and refunded what it did not use; 0: unlimited
 * @param maxConcurrent requests of the tenant in flight at once (Resilience4j bulkhead)
 * @param maxQueued requests of the tenant waiting in the gateway for a concurrency slot; beyond it, 429
 */
public record TenantLimits(int requestsPerMinute, long tokensPerMinute, int maxConcurrent, int maxQueued) {

    public TenantLimits {
        if (requestsPerMinute < 0) {
            throw new IllegalArgumentException("requests_per_minute must be >= 0 (0: unlimited), got " + requestsPerMinute);
        }
        if (tokensPerMinute < 0) {
            throw new IllegalArgumentException("tokens_per_minute must be >= 0 (0: unlimited), got " + tokensPerMinute);
        }
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException("max_concurrent must be >= 1, got " + maxConcurrent);
        }
        if (maxQueued < 0) {
            throw new IllegalArgumentException("max_queued must be >= 0, got " + maxQueued);
        }
    }
}
