package io.kvasir.ops.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.kvasir.api.FinishReason;
import io.kvasir.api.GenerationRequest;
import io.kvasir.api.plugin.KvCodec;
import io.kvasir.api.plugin.PluginKind;
import io.kvasir.engine.gguf.GgmlType;
import io.kvasir.engine.loop.CacheProfile;
import io.kvasir.engine.loop.Engine;
import io.kvasir.engine.loop.EngineConfig;
import io.kvasir.engine.loop.StrategyChoice;
import io.kvasir.engine.model.LoadedModel;
import io.kvasir.engine.model.PagedKvMemory;
import io.kvasir.engine.plugin.PluginRegistry;
import io.kvasir.engine.testing.Await;
import io.kvasir.engine.model.synth.ModelShape;
import io.kvasir.engine.model.synth.SyntheticModelWriter;

/**
 * The real {@code int4-kivi} codec (keys of the newest block in staging outside the blocks) gives the same tokens
 * however its requests are computed: prefilled in small chunks or in one, and under memory pressure, swapped out
 * with their open block's staging or recomputed. Each query scores its own block as it stood when the query was
 * written, so a chunk that seals a block does not change what its earlier tokens see. No staging stays in use.
 */
class Int4KiviPreemptionTest {

    private static final ModelShape SHAPE = new ModelShape("kivi-test", 64, 2, 4, 2, 128, 300, 1024);
    private static final int NUM_REQUESTS = 6;
    private static final int OUTPUT_TOKENS = 40;

    @TempDir
    static Path dir;
    private static LoadedModel model;

    @BeforeAll
    static void load() throws Exception {
        Path file = dir.resolve("kivi.gguf");
        new SyntheticModelWriter(SHAPE, GgmlType.F32, 5).write(file);
        model = LoadedModel.load(file);
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
        }
    }

    private static List<int[]> prompts() {
        SplittableRandom random = new SplittableRandom(11);
        List<int[]> prompts = new ArrayList<>();
        for (int i = 0; i < NUM_REQUESTS; i++) {
            // Lengths off the block boundaries: every request has an open block when it is preempted.
            int[] prompt = new int[21 + 9 * i];
            for (int t = 0; t < prompt.length; t++) {
                prompt[t] = 1 + random.nextInt(SHAPE.vocabSize() - 1);
            }
            prompts.add(prompt);
        }
        return prompts;
    }

    private static List<int[]> run(EngineConfig config, List<int[]> prompts, boolean expectPreemptions)
            throws InterruptedException {
        try (Engine engine = Engine.start(model, config)) {
            List<Outcome> outcomes = new ArrayList<>();
            for (int i = 0; i < prompts.size(); i++) {
                Outcome outcome = new Outcome();
                engine.submit(GenerationRequest.of("kivi-" + i, prompts.get(i), Workloads.greedy(OUTPUT_TOKENS)), outcome);
                outcomes.add(outcome);
            }
            List<int[]> tokens = new ArrayList<>();
            for (Outcome outcome : outcomes) {
                assertThat(outcome.await().finishReason()).isEqualTo(FinishReason.LENGTH);
                tokens.add(outcome.tokenIds());
            }
            if (expectPreemptions) {
                assertThat(engine.stats().numPreemptions()).as("preemptions under pressure").isPositive();
            }
            // The step that frees the last request's blocks releases their staging after the request completes.
            Await.until(Duration.ofSeconds(30), () -> "no staging area in use once traffic stopped: " + engine.stats(),
                    () -> engine.stats().numStagingAreas() == 0);
            return tokens;
        }
    }

    @Test
    void prefillInSmallChunksGivesTheTokensOfPrefillInOne() throws Exception {
        List<int[]> prompts = prompts();
        CacheProfile kivi = FidelityEval.referenceProfile().withCodec(StrategyChoice.of("int4-kivi"));
        EngineConfig base = EngineConfig.defaults().withNumThreads(1).withMaxContextTokens(128)
                .withKvCacheBytes(64L << 20).withCacheProfile(kivi);
        List<int[]> whole = run(base, prompts, false);
        // Chunks of 7 tokens, one request at a time: blocks are sealed by chunks that started before them.
        List<int[]> chunked = run(base.withMaxBatchTokens(7).withMaxRunningRequests(1), prompts, false);
        for (int i = 0; i < prompts.size(); i++) {
            assertThat(chunked.get(i)).as("request %d", i).containsExactly(whole.get(i));
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"recompute", "swap"})
    void preemptedRequestsFinishWithTheUnpressuredTokens(String preemption) throws Exception {
        List<int[]> prompts = prompts();
        CacheProfile kivi = FidelityEval.referenceProfile().withCodec(StrategyChoice.of("int4-kivi"));
        EngineConfig base = EngineConfig.defaults().withNumThreads(1).withMaxContextTokens(128);
        List<int[]> expected = run(base.withKvCacheBytes(64L << 20).withCacheProfile(kivi), prompts, false);

        boolean swap = preemption.equals("swap");
        CacheProfile pressured = kivi.withPreemption(swap
                        ? StrategyChoice.of("swap", Map.of("min_computed_tokens", 0)) : StrategyChoice.of("recompute"))
                .withOffloadTier(swap ? StrategyChoice.of("host", Map.of("capacity_bytes", 16L << 20)) : StrategyChoice.of("none"));
        KvCodec codec = PluginRegistry.load().create(PluginKind.KV_CODEC, "int4-kivi", Map.of(), KvCodec.class);
        int headDim = SHAPE.dim() / SHAPE.numHeads();
        long blockBytes = PagedKvMemory.bytesPerBlock(codec, SHAPE.numLayers(), base.blockSize(), SHAPE.numKvHeads(), headDim);
        long staging = PagedKvMemory.stagingReserve(codec, SHAPE.numLayers(), base.blockSize(), SHAPE.numKvHeads(),
                headDim, base.maxRunningRequests(), Math.max(base.maxBatchTokens(), base.maxRunningRequests()));
        // Ten blocks, about two requests' worth, besides the staging the engine sets aside.
        EngineConfig tight = base.withKvCacheBytes(blockBytes * 10 + staging).withCacheProfile(pressured);
        List<int[]> actual = run(tight, prompts, true);
        for (int i = 0; i < prompts.size(); i++) {
            assertThat(actual.get(i)).as("request %d", i).containsExactly(expected.get(i));
        }
    }
}
