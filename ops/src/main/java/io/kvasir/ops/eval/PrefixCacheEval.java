package io.kvasir.ops.eval;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import io.kvasir.api.GenerationRequest;
import io.kvasir.api.GenerationResult;
import io.kvasir.engine.loop.CacheProfile;
import io.kvasir.engine.loop.Engine;
import io.kvasir.engine.loop.EngineConfig;
import io.kvasir.engine.loop.StrategyChoice;
import io.kvasir.engine.model.LoadedModel;
import io.kvasir.ops.eval.EvalReport.PrefixReport;
import io.kvasir.ops.eval.EvalReport.PrefixRow;

/**
 * Prefix caching under two workloads, through the real engine with its default step budget and running
 * limit, all requests submitted at once (a burst, as when many clients send the same system prompt):
 * <ul>
 *   <li>shared: every request is one common prefix plus its own tokens, with the prefix index off
 *       ({@code none}), {@code hash} and {@code radix};</li>
 *   <li>pressured: several distinct prefixes, requests in a shuffled order, and a KV pool that holds only
 *       a few prefixes at once, with {@code fcfs} and {@code lpm} scheduling over the radix index.</li>
 * </ul>
 * Every engine is warmed up first with requests of an unrelated prefix, so time to first token measures
 * the cache, not the JIT.
 */
final class PrefixCacheEval {

    private static final int NUM_WARM_UP_REQUESTS = 4;
    /** Blocks the pressured pool holds: room for this many requests that share nothing. */
    private static final int PRESSURED_POOL_REQUESTS = 3;

    private final LoadedModel model;
    private final EvalSettings settings;
    private final PrintWriter progress;
    private final int vocabSize;

    PrefixCacheEval(LoadedModel model, EvalSettings settings, PrintWriter progress) {
        this.model = model;
        this.settings = settings;
        this.progress = progress;
        this.vocabSize = model.config().vocabSize();
    }

    PrefixReport run() throws InterruptedException {
        int promptLength = settings.numPrefixTokens() + settings.numUniqueTokens();
        int maxContext = promptLength + settings.numPrefixOutputTokens();
        int blockSize = EngineConfig.defaults().blockSize();
        int blocksPerRequest = (maxContext + blockSize - 1) / blockSize;
        long bytesPerBlock = model.kvBytesPerToken() * blockSize;
        EngineConfig base = EngineConfig.defaults().withNumThreads(settings.numThreads()).withMaxContextTokens(maxContext);
        int numRequests = settings.numPrefixRequests();

        List<PrefixRow> rows = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(settings.seed());
        int[] sharedPrefix = Workloads.randomTokens(random, vocabSize, settings.numPrefixTokens());
        List<int[]> shared = new ArrayList<>();
        for (int i = 0; i < numRequests; i++) {
            shared.add(Workloads.concat(sharedPrefix, Workloads.randomTokens(random, vocabSize, settings.numUniqueTokens())));
        }
        EngineConfig ample = base.withKvCacheBytes(bytesPerBlock * (long) (blocksPerRequest + 1) * (numRequests + NUM_WARM_UP_REQUESTS));
        for (String index : new String[] {StrategyChoice.NONE, "hash", "radix"}) {
            progress.printf("prefix: %d requests sharing %d tokens, index %s%n", numRequests, settings.numPrefixTokens(), index);
            progress.flush();
            rows.add(runBurst("shared", ample, index, "fcfs", shared, random));
        }

        int numPrefixes = Math.min(settings.numDistinctPrefixes(), numRequests);
        List<int[]> prefixes = new ArrayList<>();
        for (int p = 0; p < numPrefixes; p++) {
            prefixes.add(Workloads.randomTokens(random, vocabSize, settings.numPrefixTokens()));
        }
        List<int[]> pressured = new ArrayList<>();
        for (int i = 0; i < numRequests; i++) {
            pressured.add(Workloads.concat(prefixes.get(i % numPrefixes), Workloads.randomTokens(random, vocabSize, settings.numUniqueTokens())));
        }
        shuffle(pressured, new SplittableRandom(settings.seed() + 1));
        EngineConfig tight = base.withKvCacheBytes(bytesPerBlock * (long) blocksPerRequest * PRESSURED_POOL_REQUESTS);
        for (String scheduling : new String[] {"fcfs", "lpm"}) {
            progress.printf("prefix: %d requests over %d prefixes, a pool of %d requests, %s%n", numRequests, numPrefixes,
                    PRESSURED_POOL_REQUESTS, scheduling);
            progress.flush();
            rows.add(runBurst("pressured", tight, "radix", scheduling, pressured, random));
        }
        String description = String.format(
                "shared: %d requests of one %d-token prefix plus %d random tokens each, %d tokens generated, submitted at once "
                        + "(step budget %d tokens, %d running at most); pressured: the same sizes over %d distinct prefixes in "
                        + "shuffled order, with a pool of %d blocks (%d requests that share nothing), radix index",
                numRequests, settings.numPrefixTokens(), settings.numUniqueTokens(), settings.numPrefixOutputTokens(),
                base.maxBatchTokens(), base.maxRunningRequests(), numPrefixes, blocksPerRequest * PRESSURED_POOL_REQUESTS,
                PRESSURED_POOL_REQUESTS);
        return new PrefixReport(description, rows);
    }

    private PrefixRow runBurst(String workload, EngineConfig base, String index, String scheduling, List<int[]> prompts,
            SplittableRandom random) throws InterruptedException {
        CacheProfile profile = FidelityEval.referenceProfile().withPrefixIndex(StrategyChoice.of(index))
                .withScheduling(StrategyChoice.of(scheduling));
        try (Engine engine = Engine.start(model, base.withCacheProfile(profile))) {
            warmUp(engine, prompts.getFirst().length, random);
            List<Outcome> outcomes = new ArrayList<>();
            long start = System.nanoTime();
            for (int i = 0; i < prompts.size(); i++) {
                Outcome outcome = new Outcome();
                engine.submit(GenerationRequest.of(workload + "-" + i, prompts.get(i), Workloads.greedy(settings.numPrefixOutputTokens())),
                        outcome);
                outcomes.add(outcome);
            }
            long numPromptTokens = 0;
            long numCached = 0;
            long[] ttft = new long[outcomes.size()];
            for (int i = 0; i < outcomes.size(); i++) {
                GenerationResult result = outcomes.get(i).await();
                numPromptTokens += result.numPromptTokens();
                numCached += result.numCachedPromptTokens();
                ttft[i] = result.timeToFirstTokenNanos();
            }
            double wallSeconds = (System.nanoTime() - start) / 1e9;
            return new PrefixRow(workload, index, scheduling, prompts.size(), numPromptTokens, numCached,
                    (double) numCached / numPromptTokens, Workloads.median(ttft) / 1e6, wallSeconds, engine.stats().numBlocks());
        }
    }

    /** Requests of their own prefix, so the measured ones find nothing of theirs in the cache. */
    private void warmUp(Engine engine, int promptLength, SplittableRandom random) throws InterruptedException {
        List<Outcome> outcomes = new ArrayList<>();
        for (int i = 0; i < NUM_WARM_UP_REQUESTS; i++) {
            Outcome outcome = new Outcome();
            engine.submit(GenerationRequest.of("warm-up-" + i, Workloads.randomTokens(random, vocabSize, promptLength),
                    Workloads.greedy(settings.numPrefixOutputTokens())), outcome);
            outcomes.add(outcome);
        }
        for (Outcome outcome : outcomes) {
            outcome.await();
        }
    }

    private static void shuffle(List<int[]> list, SplittableRandom random) {
        for (int i = list.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            list.set(i, list.set(j, list.get(i)));
        }
    }
}
