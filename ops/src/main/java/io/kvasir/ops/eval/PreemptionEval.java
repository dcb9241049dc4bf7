package io.kvasir.ops.eval;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.jspecify.annotations.Nullable;

import io.kvasir.api.FinishReason;
import io.kvasir.api.GenerationRequest;
import io.kvasir.engine.loop.CacheProfile;
import io.kvasir.engine.loop.Engine;
import io.kvasir.engine.loop.EngineConfig;
import io.kvasir.engine.loop.EngineStats;
import io.kvasir.engine.loop.StrategyChoice;
import io.kvasir.engine.model.LoadedModel;
import io.kvasir.ops.eval.EvalReport.PreemptionReport;
import io.kvasir.ops.eval.EvalReport.PreemptionRow;

/**
 * More requests than KV blocks: every request submitted at once to an engine whose pool holds a fraction
 * of what they need, under {@code recompute} and under {@code swap} to the {@code host} tier (swapping
 * every request, {@code min_computed_tokens} 0). Greedy decoding makes the tokens of an unpressured run
 * the expected ones; the engine's count of computed tokens, minus the unpressured run's, is the work
 * recomputed after preemptions.
 */
final class PreemptionEval {

    private static final int PROMPT_TOKENS = 64;
    private static final int OUTPUT_TOKENS = 96;
    /** Pool of the pressured engines, in full-context requests. */
    private static final double PRESSURED_POOL_REQUESTS = 2.4;

    private final LoadedModel model;
    private final EvalSettings settings;
    private final PrintWriter progress;

    PreemptionEval(LoadedModel model, EvalSettings settings, PrintWriter progress) {
        this.model = model;
        this.settings = settings;
        this.progress = progress;
    }

    PreemptionReport run() throws InterruptedException {
        int numRequests = settings.numPreemptionRequests();
        int maxContext = PROMPT_TOKENS + OUTPUT_TOKENS;
        int blockSize = EngineConfig.defaults().blockSize();
        int blocksPerRequest = (maxContext + blockSize - 1) / blockSize;
        long bytesPerBlock = model.kvBytesPerToken() * blockSize;
        SplittableRandom random = new SplittableRandom(settings.seed());
        List<int[]> prompts = new ArrayList<>();
        for (int i = 0; i < numRequests; i++) {
            prompts.add(Workloads.randomTokens(random, model.config().vocabSize(), PROMPT_TOKENS));
        }
        EngineConfig base = EngineConfig.defaults().withNumThreads(settings.numThreads()).withMaxContextTokens(maxContext)
                .withMaxRunningRequests(numRequests);
        EngineConfig ample = base.withKvCacheBytes(bytesPerBlock * (long) (blocksPerRequest + 1) * numRequests);
        int numTightBlocks = (int) Math.ceil(blocksPerRequest * PRESSURED_POOL_REQUESTS);
        EngineConfig tight = base.withKvCacheBytes(bytesPerBlock * numTightBlocks);

        CacheProfile reference = FidelityEval.referenceProfile();
        progress.printf("preemption: %d requests, unpressured%n", numRequests);
        progress.flush();
        Run baseline = run(ample.withCacheProfile(reference), prompts, null);
        PreemptionRow baselineRow = baseline.row("none (unpressured)", baseline.numTokensComputed);

        List<PreemptionRow> rows = new ArrayList<>();
        progress.printf("preemption: %d requests in %d blocks, recompute%n", numRequests, numTightBlocks);
        progress.flush();
        Run recompute = run(tight.withCacheProfile(reference.withPreemption(StrategyChoice.of("recompute"))), prompts, baseline);
        rows.add(recompute.row("recompute", baseline.numTokensComputed));
        progress.printf("preemption: %d requests in %d blocks, swap to host%n", numRequests, numTightBlocks);
        progress.flush();
        long tierBytes = Math.max(64L << 20, bytesPerBlock * blocksPerRequest * (long) numRequests * 2);
        CacheProfile swap = reference.withPreemption(StrategyChoice.of("swap", Map.of("min_computed_tokens", 0)))
                .withOffloadTier(StrategyChoice.of("host", Map.of("capacity_bytes", tierBytes)));
        Run swapped = run(tight.withCacheProfile(swap), prompts, baseline);
        rows.add(swapped.row("swap (host tier)", baseline.numTokensComputed));
        String description = String.format("%d requests of %d random prompt tokens, %d greedy tokens each, submitted at once; "
                + "the pressured pool holds %d blocks of %d tokens (%.1f full requests), the unpressured one all of them",
                numRequests, PROMPT_TOKENS, OUTPUT_TOKENS, numTightBlocks, blockSize, PRESSURED_POOL_REQUESTS);
        return new PreemptionReport(description, numTightBlocks, baselineRow, rows);
    }

    private Run run(EngineConfig config, List<int[]> prompts, @Nullable Run expected) throws InterruptedException {
        try (Engine engine = Engine.start(model, config)) {
            warmUp(engine, prompts);
            EngineStats before = engine.stats();
            List<Outcome> outcomes = new ArrayList<>();
            long start = System.nanoTime();
            for (int i = 0; i < prompts.size(); i++) {
                Outcome outcome = new Outcome();
                engine.submit(GenerationRequest.of("preempt-" + i, prompts.get(i), Workloads.greedy(OUTPUT_TOKENS)), outcome);
                outcomes.add(outcome);
            }
            List<int[]> tokens = new ArrayList<>();
            int numCompleted = 0;
            for (Outcome outcome : outcomes) {
                if (outcome.await().finishReason() == FinishReason.LENGTH) {
                    numCompleted++;
                }
                tokens.add(outcome.tokenIds());
            }
            double wallSeconds = (System.nanoTime() - start) / 1e9;
            EngineStats after = engine.stats();
            int numIdentical = 0;
            for (int i = 0; i < tokens.size(); i++) {
                if (expected == null || Arrays.equals(tokens.get(i), expected.tokens.get(i))) {
                    numIdentical++;
                }
            }
            return new Run(tokens, numCompleted, numIdentical, after.numPreemptions() - before.numPreemptions(), wallSeconds,
                    after.numTokensComputed() - before.numTokensComputed());
        }
    }

    /** Two requests that fit the pool, so the measured run does not pay for the JIT. */
    private static void warmUp(Engine engine, List<int[]> prompts) throws InterruptedException {
        List<Outcome> outcomes = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Outcome outcome = new Outcome();
            engine.submit(GenerationRequest.of("warm-up-" + i, prompts.get(i), Workloads.greedy(OUTPUT_TOKENS)), outcome);
            outcomes.add(outcome);
        }
        for (Outcome outcome : outcomes) {
            outcome.await();
        }
    }

    private record Run(List<int[]> tokens, int numCompleted, int numIdentical, long numPreemptions, double wallSeconds,
            long numTokensComputed) {

        PreemptionRow row(String label, long baselineTokensComputed) {
            return new PreemptionRow(label, tokens.size(), numCompleted, numIdentical, numPreemptions, wallSeconds,
                    numTokensComputed, numTokensComputed - baselineTokensComputed);
        }
    }
}
