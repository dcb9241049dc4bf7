package io.kvasir.ops.loadgen;

import org.jspecify.annotations.Nullable;

/**
 * What one request measured. Times are {@link System#nanoTime()} values.
 *
 * <p>Invariants: {@code startNanos <= endNanos}; {@code ttftNanos} is -1 when no text arrived, else the time
 * from the start to the first chunk carrying text; {@code chunkGapsNanos} has {@code numTextChunks - 1}
 * entries (the inter-token latencies as the client saw them: one SSE chunk usually carries one token);
 * token counts are -1 when the server did not report usage.
 *
 * @param tenantIndex index of the tenant in the run's tenant list
 * @param outcome {@link #OK} or an error category such as {@code http_429}, {@code connect}, {@code timeout}
 * @param errorMessage what went wrong, for the report's examples; null when it succeeded
 */
record RequestRecord(int tenantIndex, long startNanos, long endNanos, long ttftNanos, long[] chunkGapsNanos,
        int numTextChunks, int promptTokens, int cachedPromptTokens, int outputTokens, String outcome,
        @Nullable String errorMessage) {

    /** The outcome of a request that streamed to its end. */
    static final String OK = "ok";

    boolean succeeded() {
        return OK.equals(outcome);
    }

    boolean hasFirstToken() {
        return ttftNanos >= 0;
    }

    /** End-to-end latency. */
    long latencyNanos() {
        return endNanos - startNanos;
    }

    /**
     * Output tokens: the server's {@code usage.completion_tokens}, or the number of text chunks when it sent no
     * usage.
     */
    int numOutputTokens() {
        return outputTokens >= 0 ? outputTokens : numTextChunks;
    }

    /**
     * Time per output token after the first: (latency - TTFT) / (output tokens - 1); NaN without a first token
     * or with fewer than two output tokens.
     */
    double tpotMillis() {
        int tokens = numOutputTokens();
        if (!hasFirstToken() || tokens < 2) {
            return Double.NaN;
        }
        return (latencyNanos() - ttftNanos) / 1e6 / (tokens - 1);
    }
}
