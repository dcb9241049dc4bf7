package io.kvasir.ops.loadgen;

import java.util.Arrays;

import org.jspecify.annotations.Nullable;

/**
 * Collects one streamed request's timings as its chunks arrive, whatever carries them (HTTP or the in-process
 * engine), so both sides of a comparison are measured by the same code.
 *
 * <p>Thread-safe: chunks arrive on the stream's delivery thread while a timeout or cancellation may end the
 * request from another thread.
 */
final class StreamRecorder {

    private final int tenantIndex;
    private final long startNanos;
    private long firstTextNanos = -1;
    private long lastTextNanos;
    private long[] gaps = new long[64];
    private int numGaps;
    private int numTextChunks;
    private int promptTokens = -1;
    private int cachedPromptTokens = -1;
    private int outputTokens = -1;
    private @Nullable String finishReason;

    StreamRecorder(int tenantIndex, long startNanos) {
        this.tenantIndex = tenantIndex;
        this.startNanos = startNanos;
    }

    /** A chunk with generated text arrived at {@code nanos}; empty text (no token text yet) is not a token chunk. */
    synchronized void onText(long nanos, String text) {
        if (text.isEmpty()) {
            return;
        }
        if (firstTextNanos < 0) {
            firstTextNanos = nanos;
        } else {
            if (numGaps == gaps.length) {
                gaps = Arrays.copyOf(gaps, gaps.length * 2);
            }
            gaps[numGaps++] = nanos - lastTextNanos;
        }
        lastTextNanos = nanos;
        numTextChunks++;
    }

    /** The server's usage: prompt, cached prompt and completion tokens (cached -1 when not reported). */
    synchronized void onUsage(int prompt, int cached, int completion) {
        promptTokens = prompt;
        cachedPromptTokens = cached;
        outputTokens = completion;
    }

    synchronized void onFinishReason(String reason) {
        finishReason = reason;
    }

    synchronized @Nullable String finishReason() {
        return finishReason;
    }

    synchronized int numTextChunks() {
        return numTextChunks;
    }

    /** The record of a request that streamed to its end at {@code endNanos}. */
    RequestRecord succeeded(long endNanos) {
        return record(endNanos, RequestRecord.OK, null);
    }

    /** The record of a request that failed at {@code endNanos}. */
    RequestRecord failed(long endNanos, String outcome, String message) {
        return record(endNanos, outcome, message);
    }

    private synchronized RequestRecord record(long endNanos, String outcome, @Nullable String message) {
        long ttft = firstTextNanos < 0 ? -1 : firstTextNanos - startNanos;
        return new RequestRecord(tenantIndex, startNanos, Math.max(startNanos, endNanos), ttft,
                Arrays.copyOf(gaps, numGaps), numTextChunks, promptTokens, cachedPromptTokens, outputTokens, outcome, message);
    }
}
