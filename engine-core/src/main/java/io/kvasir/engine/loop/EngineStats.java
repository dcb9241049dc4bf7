package io.kvasir.engine.loop;

import org.jspecify.annotations.Nullable;

import io.kvasir.api.FinishReason;

/**
 * A snapshot of an engine's state.
 *
 * @param numRunning requests running
 * @param numWaiting requests waiting (queued or preempted)
 * @param numBlocks KV blocks in the pool
 * @param numFreeBlocks KV blocks free
 * @param numCachedBlocks blocks no request holds that the prefix cache keeps for reuse (freed under pressure)
 * @param blockSize tokens per block
 * @param numStagingAreas staging areas in use, one per open (layer, block), with a codec that stages partly filled
 *     blocks outside them ({@code int4-kivi}); 0 otherwise
 * @param kvStagingBytesInUse bytes of those areas
 * @param kvStagingBytes bytes allocated for staging areas, in use or kept for reuse (on top of the blocks)
 * @param numSteps steps run
 * @param numTokensComputed tokens whose KV was computed (prompt, chunks, decode, recompute)
 * @param numTokensGenerated tokens sampled
 * @param numPreemptions requests preempted
 * @param numFailedSteps steps that failed
 * @param numPluginFailures plugin calls that threw or timed out during steps (the engine fell back or failed
 *     only the requests concerned)
 * @param numPluginTimeouts plugin calls that did not return within the plugin timeout (each disabled its plugin)
 * @param numRejected submissions refused because the queue was full
 * @param finishedByReason finished requests per {@link FinishReason} ordinal
 * @param lastFailure the message of the last failure, or null
 * @param healthy whether the loop runs (false once closed, or once the watchdog gave the loop up)
 */
public record EngineStats(int numRunning, int numWaiting, int numBlocks, int numFreeBlocks, int numCachedBlocks, int blockSize,
        int numStagingAreas, long kvStagingBytesInUse, long kvStagingBytes, long numSteps,
        long numTokensComputed, long numTokensGenerated, long numPreemptions, long numFailedSteps, long numPluginFailures,
        long numPluginTimeouts, long numRejected,
        long[] finishedByReason, @Nullable String lastFailure, boolean healthy) {

    /** Blocks not free: held by requests or kept by the prefix cache. */
    public int numUsedBlocks() {
        return numBlocks - numFreeBlocks;
    }

    /** Blocks held by live requests; zero when the engine is idle. */
    public int numBlocksHeldByRequests() {
        return numBlocks - numFreeBlocks - numCachedBlocks;
    }

    /** Finished requests with this reason. */
    public long finished(FinishReason reason) {
        return finishedByReason[reason.ordinal()];
    }
}
