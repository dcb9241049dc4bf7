package io.kvasir.ops.eval;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

import io.kvasir.api.GenerationRequest;
import io.kvasir.api.SamplingParams;
import io.kvasir.engine.loop.CacheProfile;
import io.kvasir.engine.loop.Engine;
import io.kvasir.engine.loop.EngineConfig;
import io.kvasir.engine.loop.EngineStats;
import io.kvasir.engine.loop.StrategyChoice;
import io.kvasir.engine.model.LoadedModel;
import io.kvasir.ops.eval.EvalReport.FidelityRow;

/**
 * Output fidelity, memory and speed of each KV codec and eviction policy, by teacher forcing the corpus
 * through the real engine and comparing every position's next-token distribution with an f32,
 * no-eviction reference engine fed the same tokens.
 *
 * <p>Two prompt modes: {@code forced} gives BOS and the first token as the prompt and forces the rest
 * (almost everything is decode); {@code split} gives the first half of each story as the prompt and forces
 * the second half, so prefill-time policies (SnapKV) see a real prompt. Only forced positions are scored,
 * and every strategy is scored on the same positions as the reference.
 *
 * <p>All engines stay open and take the stories in the same waves, in turn, so machine noise falls on
 * every strategy alike. A strategy whose engine does not start or fails is reported as not run; an eviction
 * policy that agrees with the reference on every position while each sequence holds as many blocks is
 * reported as not applied.
 */
final class FidelityEval {

    /** The setting every other row is compared with: an f32, no-eviction engine. */
    static final String REFERENCE = "f32 (reference)";
    static final String FORCED = "forced";
    static final String SPLIT = "split";
    static final double EVICTION_BUDGET_FRACTION = 0.5;
    private static final long WAVE_TIMEOUT_MINUTES = 30;
    private static final int WARM_UP_TOKENS = 64;

    /** A strategy to evaluate: the reference profile with one kind changed. */
    record Setting(String label, String codec, String eviction, CacheProfile profile) {
    }

    private final LoadedModel model;
    private final Corpus corpus;
    private final EvalSettings settings;
    private final PrintWriter progress;
    private final int vocabSize;
    private final AtomicLong requestIds = new AtomicLong();

    FidelityEval(LoadedModel model, Corpus corpus, EvalSettings settings, PrintWriter progress) {
        this.model = model;
        this.corpus = corpus;
        this.settings = settings;
        this.progress = progress;
        this.vocabSize = model.config().vocabSize();
    }

    /** f32 KV, no prefix index, no eviction, recompute, no offload tier, FCFS. */
    static CacheProfile referenceProfile() {
        return CacheProfile.defaults().withPrefixIndex(StrategyChoice.of(StrategyChoice.NONE));
    }

    /** The strategies compared with the reference, the reference itself (a second engine) first. */
    static List<Setting> settingsToCompare() {
        CacheProfile reference = referenceProfile();
        List<Setting> list = new ArrayList<>();
        list.add(new Setting(REFERENCE, "f32", "none", reference));
        for (String codec : new String[] {"f16", "int8", "fp8-e4m3", "int4-kivi"}) {
            list.add(new Setting(codec, codec, "none", reference.withCodec(StrategyChoice.of(codec))));
        }
        list.add(eviction("streaming, 4 sinks", "streaming", Map.of("sink_tokens", 4)));
        list.add(eviction("streaming, no sinks", "streaming", Map.of("sink_tokens", 0)));
        list.add(eviction("h2o", "h2o", Map.of()));
        // The statistic without forgetting, the paper's (summed, no forgetting), and the paper's even split: what
        // each choice costs or buys on this model.
        list.add(eviction("h2o, no decay", "h2o", Map.of("decay", 1.0)));
        list.add(eviction("h2o, paper (sum, no decay, recent 0.5)", "h2o",
                Map.of("score", "sum", "decay", 1.0, "recent_fraction", 0.5)));
        list.add(eviction("h2o, recent 0.5 (the paper's split)", "h2o", Map.of("recent_fraction", 0.5)));
        list.add(eviction("snapkv", "snapkv", Map.of()));
        return list;
    }

    private static Setting eviction(String label, String policy, Map<String, Object> extra) {
        Map<String, Object> config = new LinkedHashMap<>(extra);
        config.put("budget_fraction", EVICTION_BUDGET_FRACTION);
        String description = policy + " " + config.toString().replace("{", "(").replace("}", ")").replace("=", " ");
        return new Setting(label, "f32", description,
                referenceProfile().withEviction(StrategyChoice.of(policy, config)));
    }

    List<FidelityRow> run() throws InterruptedException {
        int maxContext = corpus.maxLength() + 1;
        int blockSize = EngineConfig.defaults().blockSize();
        int blocksPerStory = (maxContext + blockSize - 1) / blockSize;
        int inFlight = Math.min(settings.numStoriesInFlight(), corpus.stories().size());
        // Sized in f32 bytes, so every codec's pool holds at least the blocks the reference's does.
        EngineConfig config = EngineConfig.defaults().withNumThreads(settings.numThreads())
                .withMaxContextTokens(maxContext)
                .withMaxRunningRequests(inFlight)
                .withKvCacheBytes(model.kvBytesPerToken() * blockSize * (long) (blocksPerStory + 1) * inFlight);
        List<Candidate> candidates = new ArrayList<>();
        try (Engine reference = Engine.start(model, config.withCacheProfile(referenceProfile()))) {
            Candidate base = new Candidate(new Setting("f32", "f32", "none", referenceProfile()), reference, null);
            for (Setting setting : settingsToCompare()) {
                candidates.add(startCandidate(setting, config));
            }
            warmUp(base);
            for (Candidate candidate : candidates) {
                warmUp(candidate);
            }
            List<FidelityRow> rows = new ArrayList<>();
            Map<String, Measured> baseByMode = new LinkedHashMap<>();
            Map<String, List<Measured>> measuredByMode = new LinkedHashMap<>();
            for (String mode : new String[] {FORCED, SPLIT}) {
                Measured baseMeasured = new Measured(base);
                List<Measured> measured = new ArrayList<>();
                for (Candidate candidate : candidates) {
                    measured.add(new Measured(candidate));
                }
                probe(baseMeasured, mode);
                for (Measured m : measured) {
                    probe(m, mode);
                }
                List<int[]> stories = corpus.stories();
                for (int from = 0; from < stories.size(); from += inFlight) {
                    List<int[]> wave = stories.subList(from, Math.min(stories.size(), from + inFlight));
                    progress.printf("fidelity: %s mode, stories %d-%d of %d%n", mode, from + 1, from + wave.size(), stories.size());
                    progress.flush();
                    WaveRun referenceWave = runWave(base, wave, mode);
                    if (referenceWave == null) {
                        throw new IllegalStateException("the reference engine failed: " + base.failure);
                    }
                    for (Measured m : measured) {
                        WaveRun run = runWave(m.candidate, wave, mode);
                        if (run != null) {
                            m.addWave(run);
                            m.score(referenceWave.listeners, run.listeners);
                        }
                    }
                }
                baseByMode.put(mode, baseMeasured);
                measuredByMode.put(mode, measured);
            }
            for (String mode : baseByMode.keySet()) {
                for (Measured m : measuredByMode.get(mode)) {
                    rows.add(m.row(mode, reference.kvBytesPerToken(), notApplied(m.candidate, baseByMode, measuredByMode)));
                }
            }
            return rows;
        } finally {
            for (Candidate candidate : candidates) {
                if (candidate.engine != null) {
                    candidate.engine.close();
                }
            }
        }
    }

    /**
     * Why an eviction setting counts as not applied, or null when it made a difference: a policy that runs
     * at a 50% budget cannot hold as many blocks per sequence as the reference and agree on every position.
     */
    private static @Nullable String notApplied(Candidate candidate, Map<String, Measured> baseByMode,
            Map<String, List<Measured>> measuredByMode) {
        if (candidate.setting.eviction().equals("none") || candidate.engine == null || candidate.failure != null) {
            return null;
        }
        for (String mode : baseByMode.keySet()) {
            for (Measured m : measuredByMode.get(mode)) {
                if (m.candidate == candidate && (m.score.top1Agreement() != 1
                        || m.sequencePeakBytes != baseByMode.get(mode).sequencePeakBytes)) {
                    return null;
                }
            }
        }
        return "the engine accepted the policy but kept every position: each sequence held as many KV blocks as the "
                + "reference's and every position agreed with it (eviction is not wired into this engine build)";
    }

    private Candidate startCandidate(Setting setting, EngineConfig config) {
        try {
            return new Candidate(setting, Engine.start(model, config.withCacheProfile(setting.profile())), null);
        } catch (RuntimeException e) {
            progress.printf("fidelity: %s not run: %s%n", setting.label(), e.getMessage());
            return new Candidate(setting, null, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /** A short story first, so that no measured wave pays for the JIT. */
    private void warmUp(Candidate candidate) throws InterruptedException {
        int[] story = corpus.stories().getFirst();
        runWave(candidate, List.of(Arrays.copyOf(story, Math.min(story.length, WARM_UP_TOKENS))), FORCED);
    }

    /**
     * The first story alone: the blocks one sequence holds, free of the other stories of a wave (stories of
     * different lengths reach their peaks at different steps).
     */
    private void probe(Measured measured, String mode) throws InterruptedException {
        WaveRun run = runWave(measured.candidate, List.of(corpus.stories().getFirst()), mode);
        if (run != null) {
            measured.sequencePeakBytes = run.maxBytesHeld;
        }
    }

    /** Forces one wave of stories through an engine together; null when the engine failed (then recorded). */
    private @Nullable WaveRun runWave(Candidate candidate, List<int[]> wave, String mode) throws InterruptedException {
        Engine engine = candidate.engine;
        if (engine == null || candidate.failure != null) {
            return null;
        }
        PeakBlocks peak = new PeakBlocks(engine);
        List<TeacherForcing> listeners = new ArrayList<>();
        List<GenerationRequest> requests = new ArrayList<>();
        try {
            for (int[] story : wave) {
                int promptLength = mode.equals(FORCED) ? 2 : story.length / 2;
                int[] prompt = Arrays.copyOf(story, promptLength);
                int[] targets = Arrays.copyOfRange(story, promptLength, story.length);
                listeners.add(new TeacherForcing(targets, vocabSize, peak::observe));
                SamplingParams sampling = SamplingParams.builder().temperature(0).ignoreEos(true).maxTokens(targets.length).build();
                requests.add(GenerationRequest.of("fidelity-" + requestIds.incrementAndGet(), prompt, sampling));
            }
            // Together, so that the wave's batching and chunking, and with them every eviction point, do not
            // depend on the timing of the submissions: runs repeat to the digit.
            engine.submitAll(requests, List.copyOf(listeners));
            for (TeacherForcing listener : listeners) {
                listener.done.get(WAVE_TIMEOUT_MINUTES, TimeUnit.MINUTES);
            }
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            candidate.failure = cause.getClass().getSimpleName() + ": " + cause.getMessage();
            progress.printf("fidelity: %s failed: %s%n", candidate.setting.label(), candidate.failure);
            return null;
        }
        return new WaveRun(listeners, peak.maxBytesHeld);
    }

    /**
     * The listeners of one wave, in story order, and the most KV bytes its requests held at once: blocks, and the
     * staging of partly filled blocks where the codec keeps some.
     */
    private record WaveRun(List<TeacherForcing> listeners, long maxBytesHeld) {
    }

    /** An engine running one setting, or the reason it does not run. */
    private static final class Candidate {
        final Setting setting;
        final @Nullable Engine engine;
        @Nullable String failure;

        Candidate(Setting setting, @Nullable Engine engine, @Nullable String failure) {
            this.setting = setting;
            this.engine = engine;
            this.failure = failure;
        }
    }

    /** The most KV bytes requests held at once (blocks and staging), sampled between steps on the loop thread. */
    private static final class PeakBlocks {
        final Engine engine;
        final long bytesPerBlock;
        volatile long maxBytesHeld;

        PeakBlocks(Engine engine) {
            this.engine = engine;
            this.bytesPerBlock = engine.kvBytesPerBlock();
        }

        void observe() {
            EngineStats stats = engine.stats();
            long held = stats.numBlocksHeldByRequests() * bytesPerBlock + stats.kvStagingBytesInUse();
            if (held > maxBytesHeld) {
                maxBytesHeld = held;
            }
        }
    }

    /** One setting's measurements in one mode, over all waves. */
    private final class Measured {
        final Candidate candidate;
        final FidelityScore score = new FidelityScore(vocabSize);
        long peakBytes;
        long sequencePeakBytes;
        long numSteadyTokens;
        long steadyNanos;

        Measured(Candidate candidate) {
            this.candidate = candidate;
        }

        /** Decode speed counts only the phase where every story of the wave has its first token. */
        void addWave(WaveRun run) {
            peakBytes = Math.max(peakBytes, run.maxBytesHeld);
            long lastFirst = 0;
            long end = 0;
            for (TeacherForcing listener : run.listeners) {
                lastFirst = Math.max(lastFirst, listener.firstTokenNanos());
                end = Math.max(end, listener.lastTokenNanos());
            }
            for (TeacherForcing listener : run.listeners) {
                numSteadyTokens += listener.numTokensAfter(lastFirst);
            }
            steadyNanos += end - lastFirst;
        }

        void score(List<TeacherForcing> reference, List<TeacherForcing> candidateRun) {
            for (int s = 0; s < reference.size(); s++) {
                TeacherForcing ref = reference.get(s);
                TeacherForcing cand = candidateRun.get(s);
                for (int g = 0; g < ref.numTargets(); g++) {
                    score.add(ref.logits(), g * vocabSize, cand.logits(), g * vocabSize, ref.target(g));
                }
            }
        }

        FidelityRow row(String mode, double referenceBytesPerToken, @Nullable String notApplied) {
            Setting setting = candidate.setting;
            Engine engine = candidate.engine;
            if (engine == null || candidate.failure != null) {
                return new FidelityRow(setting.label(), mode, EvalReport.NOT_RUN, candidate.failure, setting.codec(),
                        setting.eviction(), Double.NaN, Double.NaN, 0, 0, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
            }
            double bytesPerToken = engine.kvBytesPerToken();
            return new FidelityRow(setting.label(), mode, notApplied == null ? EvalReport.OK : EvalReport.NOT_APPLIED, notApplied,
                    setting.codec(), setting.eviction(), bytesPerToken, referenceBytesPerToken / bytesPerToken,
                    peakBytes, sequencePeakBytes, score.numPositions(),
                    score.perplexity(), score.top1Agreement(), score.meanKl(), score.nearTieShareOfFlips(),
                    steadyNanos > 0 ? numSteadyTokens / (steadyNanos / 1e9) : Double.NaN);
        }
    }
}
