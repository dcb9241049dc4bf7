package io.kvasir.ops.eval;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * What one strategy evaluation measured; written as JSON and rendered as Markdown. A workload that was not
 * asked for is null.
 *
 * @param model the model file's name
 * @param numThreads kernel threads per engine
 * @param corpus where the stories came from
 * @param numStories stories scored
 * @param numCorpusTokens their tokens, BOS included
 * @param settings the sizes the workloads ran at
 * @param fidelity one row per strategy and prompt mode, reference rows first
 * @param prefix prefix caching: shared prefix, then memory pressure
 * @param fairness two backlogged tenants under each scheduling policy
 * @param preemption more requests than blocks under each preemption strategy
 * @param targets the goals of the evaluation and whether this run meets them
 */
public record EvalReport(String model, int numThreads, String corpus, int numStories, long numCorpusTokens,
        EvalSettings settings, List<FidelityRow> fidelity, @Nullable PrefixReport prefix, @Nullable FairnessReport fairness,
        @Nullable PreemptionReport preemption, List<TargetCheck> targets) {

    /** Row status: measured. */
    public static final String OK = "ok";
    /** Row status: the engine refused the strategy (unknown plugin, unsupported, failed). */
    public static final String NOT_RUN = "not run";
    /** Row status: the engine accepted the strategy but behaved exactly as the reference. */
    public static final String NOT_APPLIED = "not applied";

    /**
     * One strategy under one prompt mode, measured against the reference over the same forced positions.
     *
     * @param setting the strategy's label
     * @param mode {@code forced} (prompt BOS + first token, the rest forced) or {@code split} (first half prompt)
     * @param status {@link #OK}, {@link #NOT_RUN} or {@link #NOT_APPLIED}
     * @param message why it did not run or apply, else null
     * @param codec the KV codec's name
     * @param eviction the eviction policy and its configuration
     * @param kvBytesPerToken KV bytes one token takes in the engine's codec
     * @param kvReduction the f32 reference's bytes per token divided by this one's
     * @param peakKvBytes most KV bytes held by requests at once while a wave of stories decodes (blocks held
     *     times bytes per block, plus the staging of partly filled blocks for codecs that keep some; sampled between
     *     steps)
     * @param sequencePeakKvBytes most KV bytes one sequence held: the first story run alone
     * @param numScoredTokens forced positions scored
     * @param perplexity exp(mean negative log-likelihood) of the forced tokens
     * @param top1Agreement share of positions where the strategy's most likely token is the reference's
     * @param meanKl mean KL(reference || strategy) of the next-token distributions, in nats
     * @param nearTieShareOfFlips of the positions where the top-1 tokens differ, the share where the reference's
     *     log-probabilities of the two tokens are within 0.1 nats (a near tie)
     * @param decodeTokensPerSecond tokens per second while all stories of a wave decode
     */
    public record FidelityRow(String setting, String mode, String status, @Nullable String message, String codec,
            String eviction, double kvBytesPerToken, double kvReduction, long peakKvBytes, long sequencePeakKvBytes,
            long numScoredTokens, double perplexity, double top1Agreement, double meanKl, double nearTieShareOfFlips,
            double decodeTokensPerSecond) {
    }

    /**
     * One prefix-caching run.
     *
     * @param workload {@code shared} (one prefix) or {@code pressured} (several prefixes, a small pool)
     * @param prefixIndex the prefix index ({@code none}: caching off)
     * @param scheduling the scheduling policy
     * @param numRequests requests submitted
     * @param numPromptTokens their prompt tokens
     * @param numCachedPromptTokens prompt tokens served from the cache
     * @param cachedFraction the share of prompt tokens served from the cache
     * @param medianTtftMillis median time from submission to first token
     * @param wallSeconds from the first submission to the last completion
     * @param numKvBlocks blocks in the engine's KV pool
     */
    public record PrefixRow(String workload, String prefixIndex, String scheduling, int numRequests, long numPromptTokens,
            long numCachedPromptTokens, double cachedFraction, double medianTtftMillis, double wallSeconds, int numKvBlocks) {
    }

    /**
     * @param description the workloads, in words
     * @param rows shared-prefix rows, then pressured rows
     */
    public record PrefixReport(String description, List<PrefixRow> rows) {
    }

    /**
     * One fairness run.
     *
     * @param policy the scheduling policy
     * @param heavyWeight the weight of the tenant sending 4 times as many requests
     * @param lightWeight the other tenant's weight
     * @param heavyService weighted tokens (input + 2 × output) served to the heavy tenant
     * @param lightService the same for the light tenant
     * @param lightToHeavyRatio lightService / heavyService at the end of the run
     * @param generatedTokensPerSecond tokens generated per second, both tenants
     * @param servicePerSecond weighted tokens per second, both tenants
     * @param numCompleted requests completed during the run
     */
    public record FairnessRun(String policy, double heavyWeight, double lightWeight, long heavyService, long lightService,
            double lightToHeavyRatio, double generatedTokensPerSecond, double servicePerSecond, long numCompleted) {
    }

    /**
     * @param description the workload, in words
     * @param runs one per policy and weighting
     * @param curvesCsv {@code run,seconds,heavy_service,light_service}: cumulative service over time
     */
    public record FairnessReport(String description, List<FairnessRun> runs, String curvesCsv) {
    }

    /**
     * One preemption strategy under memory pressure.
     *
     * @param preemption the strategy (and its offload tier)
     * @param numRequests requests submitted
     * @param numCompleted requests that reached max_tokens
     * @param numIdentical requests whose tokens equal the unpressured run's
     * @param numPreemptions preemptions the engine counted
     * @param wallSeconds from the first submission to the last completion
     * @param numTokensComputed tokens whose KV the engine computed
     * @param numTokensRecomputed the same minus the unpressured run's
     */
    public record PreemptionRow(String preemption, int numRequests, int numCompleted, int numIdentical, long numPreemptions,
            double wallSeconds, long numTokensComputed, long numTokensRecomputed) {
    }

    /**
     * @param description the workload, in words
     * @param numKvBlocks blocks in the pressured engines' pool
     * @param baseline the unpressured run
     * @param rows the pressured runs
     */
    public record PreemptionReport(String description, int numKvBlocks, PreemptionRow baseline, List<PreemptionRow> rows) {
    }

    /** Verdicts of a {@link TargetCheck}. */
    public enum Verdict {
        HOLDS, FALLS_SHORT, NOT_MEASURED
    }

    /**
     * @param target the goal, in words
     * @param measured what this run measured
     * @param verdict whether the goal holds
     */
    public record TargetCheck(String target, String measured, Verdict verdict) {
    }
}
