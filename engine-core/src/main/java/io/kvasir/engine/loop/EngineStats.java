package io.kvasir.engine.loop;

import org.jspecify.annotations.Nullable;

import io.kvasir.api.FinishReason;

/**
 * A snapshot of an engine's state.
 *
 * @param numRunning requests running
 * @param numWaiting requests waiting (queued or preempted)
 * @param numBlocks KV blocks in the pool
 * @param numFreeBlocks KV blocks free (including cached blocks that can be reused)
 * @param blockSize tokens per block
 * @param numSteps steps run
 * @param numTokensComputed tokens whose KV was computed (prompt, chunks, decode, recompute)
 * @param numTokensGenerated tokens sampled
 * @param numPreemptions requests preempted
 * @param numFailedSteps steps that failed
 * @param numRejected submissions refused because the queue was full
 * @param finishedByReason finished requests per {@link FinishReason} ordinal
 * @param lastFailure the message of the last failure, or null
 * @param healthy whether the loop runs
 */
public record EngineStats(int numRunning, int numWaiting, int numBlocks, int numFreeBlocks, int blockSize, long numSteps,
        long numTokensComputed, long numTokensGenerated, long numPreemptions, long numFailedSteps, long numRejected,
        long[] finishedByReason, @Nullable String lastFailure, boolean healthy) {

    /** Blocks held by requests. */
    public int numUsedBlocks() {
        return numBlocks - numFreeBlocks;
    }

    /** Finished requests with this reason. */
    public long finished(FinishReason reason) {
        return finishedByReason[reason.ordinal()];
    }
}
