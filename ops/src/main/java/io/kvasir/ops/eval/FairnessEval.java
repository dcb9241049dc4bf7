package io.kvasir.ops.eval;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.kvasir.api.GenerationRequest;
import io.kvasir.api.GenerationResult;
import io.kvasir.api.TokenOutput;
import io.kvasir.engine.loop.CacheProfile;
import io.kvasir.engine.loop.Engine;
import io.kvasir.engine.loop.EngineConfig;
import io.kvasir.engine.loop.StrategyChoice;
import io.kvasir.engine.model.LoadedModel;
import io.kvasir.ops.eval.EvalReport.FairnessReport;
import io.kvasir.ops.eval.EvalReport.FairnessRun;

/**
 * Two tenants that never run out of work, one offering four times the requests of the other, through the
 * real engine under {@code fcfs}, {@code vtc} with equal weights, and {@code vtc} with the light tenant
 * weighted 2 to the heavy tenant's 1.
 *
 * <p>Closed loop: each tenant keeps a fixed number of requests outstanding and sends a new one whenever
 * one completes; the light tenant keeps twice the engine's running limit outstanding, so it always has
 * requests waiting, and the heavy tenant four times that. Service is counted as the tenants see it:
 * input tokens × 1 when the first token arrives plus output tokens × 2, the weights VTC charges by default.
 */
final class FairnessEval {

    static final String HEAVY = "heavy";
    static final String LIGHT = "light";
    private static final int MAX_RUNNING = 8;
    private static final int NUM_LIGHT_OUTSTANDING = 2 * MAX_RUNNING;
    private static final int NUM_HEAVY_OUTSTANDING = 4 * NUM_LIGHT_OUTSTANDING;
    private static final int PROMPT_TOKENS = 32;
    private static final int OUTPUT_TOKENS = 32;
    private static final int NUM_CURVE_POINTS = 20;
    private static final int INPUT_WEIGHT = 1;
    private static final int OUTPUT_WEIGHT = 2;

    private final LoadedModel model;
    private final EvalSettings settings;
    private final PrintWriter progress;
    private final int vocabSize;

    FairnessEval(LoadedModel model, EvalSettings settings, PrintWriter progress) {
        this.model = model;
        this.settings = settings;
        this.progress = progress;
        this.vocabSize = model.config().vocabSize();
    }

    FairnessReport run() throws InterruptedException {
        int maxContext = PROMPT_TOKENS + OUTPUT_TOKENS;
        EngineConfig config = EngineConfig.defaults().withNumThreads(settings.numThreads())
                .withMaxContextTokens(maxContext)
                .withMaxRunningRequests(MAX_RUNNING)
                .withKvCacheBytes(model.kvBytesPerToken() * (long) (maxContext + 16) * (MAX_RUNNING + 1));
        StringBuilder csv = new StringBuilder("run,seconds,heavy_service,light_service\n");
        List<FairnessRun> runs = new ArrayList<>();
        runs.add(runPolicy(config, "fcfs", 1, 1, csv));
        runs.add(runPolicy(config, "vtc", 1, 1, csv));
        runs.add(runPolicy(config, "vtc", 1, 2, csv));
        String description = String.format(Locale.ROOT,
                "tenant 'heavy' keeps %d requests outstanding, tenant 'light' %d (the engine runs %d at most); each request "
                        + "has %d random prompt tokens and generates %d; %.1f s per run; service = input tokens + 2 x output tokens",
                NUM_HEAVY_OUTSTANDING, NUM_LIGHT_OUTSTANDING, MAX_RUNNING, PROMPT_TOKENS, OUTPUT_TOKENS, settings.fairnessSeconds());
        return new FairnessReport(description, runs, csv.toString());
    }

    private FairnessRun runPolicy(EngineConfig config, String policy, double heavyWeight, double lightWeight, StringBuilder csv)
            throws InterruptedException {
        String label = String.format(Locale.ROOT, "%s %s:%s", policy, weight(heavyWeight), weight(lightWeight));
        progress.printf("fairness: %s for %.1f s%n", label, settings.fairnessSeconds());
        progress.flush();
        CacheProfile profile = FidelityEval.referenceProfile().withScheduling(StrategyChoice.of(policy));
        SplittableRandom random = new SplittableRandom(settings.seed());
        try (Engine engine = Engine.start(model, config.withCacheProfile(profile))) {
            warmUp(engine, random);
            Tenant heavy = new Tenant(HEAVY, heavyWeight);
            Tenant light = new Tenant(LIGHT, lightWeight);
            LinkedBlockingQueue<Tenant> completions = new LinkedBlockingQueue<>();
            AtomicLong numGenerated = new AtomicLong();
            long start = System.nanoTime();
            // Interleaved so that neither tenant is simply first in the queue.
            for (int i = 0; i < NUM_HEAVY_OUTSTANDING; i++) {
                submit(engine, heavy, random, completions, numGenerated);
                if (i % (NUM_HEAVY_OUTSTANDING / NUM_LIGHT_OUTSTANDING) == 0) {
                    submit(engine, light, random, completions, numGenerated);
                }
            }
            long durationNanos = (long) (settings.fairnessSeconds() * 1e9);
            long interval = durationNanos / NUM_CURVE_POINTS;
            long nextSample = start + interval;
            long numCompleted = 0;
            while (true) {
                long now = System.nanoTime();
                if (now >= nextSample) {
                    csv.append(String.format(Locale.ROOT, "%s,%.3f,%d,%d%n", label, (now - start) / 1e9, heavy.service.get(),
                            light.service.get()));
                    nextSample += interval;
                }
                if (now - start >= durationNanos) {
                    break;
                }
                Tenant done = completions.poll(Math.max(1, nextSample - now), TimeUnit.NANOSECONDS);
                if (done != null) {
                    numCompleted++;
                    submit(engine, done, random, completions, numGenerated);
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long heavyService = heavy.service.get();
            long lightService = light.service.get();
            return new FairnessRun(label, heavyWeight, lightWeight, heavyService, lightService,
                    heavyService == 0 ? Double.NaN : (double) lightService / heavyService, numGenerated.get() / seconds,
                    (heavyService + lightService) / seconds, numCompleted);
        }
    }

    private static String weight(double w) {
        return w == Math.rint(w) ? Long.toString((long) w) : Double.toString(w);
    }

    private void submit(Engine engine, Tenant tenant, SplittableRandom random, LinkedBlockingQueue<Tenant> completions,
            AtomicLong numGenerated) {
        int[] prompt = Workloads.randomTokens(random, vocabSize, PROMPT_TOKENS);
        GenerationRequest request = new GenerationRequest(tenant.id + "-" + tenant.numSubmitted++, tenant.id, tenant.weight,
                tenant.id, prompt, Workloads.greedy(OUTPUT_TOKENS), 0);
        engine.submit(request, new Outcome() {
            private boolean first = true;

            @Override
            public void onToken(TokenOutput token) {
                tenant.service.addAndGet(first ? INPUT_WEIGHT * PROMPT_TOKENS + OUTPUT_WEIGHT : OUTPUT_WEIGHT);
                first = false;
                numGenerated.incrementAndGet();
            }

            @Override
            public void onComplete(GenerationResult result) {
                completions.add(tenant);
            }

            @Override
            public void onError(Throwable error) {
                completions.add(tenant);
            }
        });
    }

    private void warmUp(Engine engine, SplittableRandom random) throws InterruptedException {
        List<Outcome> outcomes = new ArrayList<>();
        for (int i = 0; i < MAX_RUNNING; i++) {
            Outcome outcome = new Outcome();
            engine.submit(GenerationRequest.of("warm-up-" + i, Workloads.randomTokens(random, vocabSize, PROMPT_TOKENS),
                    Workloads.greedy(OUTPUT_TOKENS)), outcome);
            outcomes.add(outcome);
        }
        for (Outcome outcome : outcomes) {
            outcome.await();
        }
    }

    /** A tenant's identity and the service it received (updated on the loop thread, read by the driver). */
    private static final class Tenant {
        final String id;
        final double weight;
        final AtomicLong service = new AtomicLong();
        int numSubmitted;

        Tenant(String id, double weight) {
            this.id = id;
            this.weight = weight;
        }
    }
}
