package io.kvasir.gateway.admin.stats;

import java.time.Instant;

/**
 * What a finished request did with the KV cache, for the console's cache view.
 *
 * @param id the engine request id
 * @param tenant the tenant it ran for
 * @param promptTokens prompt tokens
 * @param cachedTokens prompt tokens whose KV came from the prefix cache
 * @param generatedTokens tokens generated
 * @param blocksHeld the most KV blocks it held at once
 * @param evictedTokens positions an eviction policy dropped from its KV
 * @param preemptions how often it was preempted and resumed
 * @param finishReason why it ended ({@code stop}, {@code length}, {@code cancelled}, ...)
 * @param finishedAt when
 */
public record RecentRequest(String id, String tenant, int promptTokens, int cachedTokens, int generatedTokens,
        int blocksHeld, int evictedTokens, int preemptions, String finishReason, Instant finishedAt) {
}
