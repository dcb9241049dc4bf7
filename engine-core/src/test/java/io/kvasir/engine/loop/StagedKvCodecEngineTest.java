package io.kvasir.engine.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.kvasir.api.FinishReason;
import io.kvasir.api.GenerationListener;
import io.kvasir.api.GenerationRequest;
import io.kvasir.api.SamplingParams;
import io.kvasir.api.TokenOutput;
import io.kvasir.engine.model.LlamaConfig;
import io.kvasir.engine.model.LoadedModel;
import io.kvasir.engine.model.PagedKvMemory;
import io.kvasir.engine.plugin.StagedF32CodecProvider;
import io.kvasir.engine.testing.Await;
import io.kvasir.engine.testing.CollectingListener;
import io.kvasir.engine.testing.SharedFiles;

/**
 * The engine on a codec that keeps the keys of partly filled blocks in staging ({@code test-staged-f32}, which throws
 * when the engine breaks the staging contract): every path that writes, scores, moves or swaps KV gives the tokens
 * and log-probabilities of {@code f32}, and once traffic stops no staging area is in use.
 *
 * <p>The codec computes exactly what {@code f32} computes, yet log-probabilities are compared to {@value #LOGPROB_TOLERANCE}
 * rather than to the bit: the Vector API leaves the order of a float reduction to the compiler, so while the JIT
 * replaces a kernel's code two runs of the same codec can already differ in the last bits. Tokens and the ranking of
 * the alternatives must match exactly. For the same reason eviction is checked with {@code streaming}, whose choice
 * depends on positions only: a policy choosing by attention scores may break a near tie either way.
 */
class StagedKvCodecEngineTest {

    private static final StrategyChoice STAGED = StrategyChoice.of(StagedF32CodecProvider.NAME);
    private static final float LOGPROB_TOLERANCE = 1e-4f;
    private static LoadedModel model;

    @BeforeAll
    static void load() throws Exception {
        model = LoadedModel.load(SharedFiles.require("models/stories260K.gguf"));
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
        }
    }

    private static EngineConfig staged(EngineConfig config) {
        return config.withCacheProfile(config.cacheProfile().withCodec(STAGED));
    }

    private static SamplingParams greedy(int maxTokens) {
        return SamplingParams.builder().temperature(0).maxTokens(maxTokens).ignoreEos(true).logprobs(true)
                .topLogprobs(3).build();
    }

    /** Bytes of one block with the staged codec (its regions hold a state word past the f32 rows). */
    private static long stagedBlockBytes(int blockSize) {
        LlamaConfig c = model.config();
        return PagedKvMemory.bytesPerBlock(StagedF32CodecProvider.codec(), c.numLayers(), blockSize, c.numKvHeads(),
                c.headDim());
    }

    /** A KV budget of {@code numBlocks} staged blocks plus the staging the engine sets aside. */
    private static long stagedBudget(EngineConfig config, int numBlocks) {
        LlamaConfig c = model.config();
        return stagedBlockBytes(config.blockSize()) * numBlocks + PagedKvMemory.stagingReserve(
                StagedF32CodecProvider.codec(), c.numLayers(), config.blockSize(), c.numKvHeads(), c.headDim(),
                config.maxRunningRequests(), Math.max(config.maxBatchTokens(), config.maxRunningRequests()));
    }

    /**
     * One request's output: its tokens, the alternatives reported with each (three per token), and the
     * log-probabilities of both (four per token: the token's, then its alternatives').
     */
    record Output(List<Integer> tokens, List<Integer> topTokenIds, List<Float> logprobs) {

        /** Asserts the same tokens and alternatives as {@code expected}, and log-probabilities within the tolerance. */
        void assertMatches(Output expected, String what) {
            assertThat(tokens).as("tokens of %s", what).isEqualTo(expected.tokens);
            assertThat(topTokenIds).as("alternatives of %s", what).isEqualTo(expected.topTokenIds);
            assertThat(logprobs).as("log-probabilities of %s", what).hasSameSizeAs(expected.logprobs);
            for (int i = 0; i < logprobs.size(); i++) {
                assertThat(logprobs.get(i)).as("log-probability %d of %s", i, what)
                        .isCloseTo(expected.logprobs.get(i), within(LOGPROB_TOLERANCE));
            }
        }
    }

    private static void assertMatch(List<Output> actual, List<Output> expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            actual.get(i).assertMatches(expected.get(i), "request " + i);
        }
    }

    /** Records tokens, alternatives and log-probabilities. */
    private static final class OutputListener extends CollectingListener {
        final List<Integer> topTokenIds = new ArrayList<>();
        final List<Float> logprobs = new ArrayList<>();

        @Override
        public synchronized void onToken(TokenOutput token) {
            super.onToken(token);
            logprobs.add(token.logprob());
            for (int i = 0; i < token.topTokenIds().length; i++) {
                topTokenIds.add(token.topTokenIds()[i]);
                logprobs.add(token.topLogprobs()[i]);
            }
        }

        synchronized Output output() {
            return new Output(List.copyOf(tokens), List.copyOf(topTokenIds), List.copyOf(logprobs));
        }
    }

    /** Runs the requests queued together and returns their outputs in order; every one must finish. */
    private static List<Output> run(Engine engine, List<GenerationRequest> requests) throws Exception {
        List<OutputListener> listeners = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            listeners.add(new OutputListener());
        }
        engine.submitAll(requests, List.<GenerationListener>copyOf(listeners));
        List<Output> outputs = new ArrayList<>();
        for (OutputListener listener : listeners) {
            assertThat(listener.await().finishReason()).isEqualTo(FinishReason.LENGTH);
            outputs.add(listener.output());
        }
        return outputs;
    }

    private static List<Output> run(EngineConfig config, List<GenerationRequest> requests) throws Exception {
        try (Engine engine = Engine.start(model, config)) {
            List<Output> outputs = run(engine, requests);
            if (config.cacheProfile().codec().equals(STAGED)) {
                assertNoStagingLeft(engine);
            }
            return outputs;
        }
    }

    /**
     * Once the last request ended, the step that freed its blocks releases their staging: no area stays in use,
     * while the areas allocated are kept and counted in the engine's KV memory.
     */
    private static void assertNoStagingLeft(Engine engine) {
        Await.until(Duration.ofSeconds(30), () -> "no staging area in use: " + engine.stats(),
                () -> engine.stats().numStagingAreas() == 0);
        EngineStats stats = engine.stats();
        assertThat(stats.numBlocksHeldByRequests()).isZero();
        assertThat(stats.kvStagingBytes()).isPositive();
        assertThat(engine.kvMemoryBytes()).isEqualTo(stats.numBlocks() * engine.kvBytesPerBlock() + stats.kvStagingBytes());
    }

    private static GenerationRequest request(String id, int promptLength, int maxTokens) {
        return GenerationRequest.of(id, EngineTest.longPrompt(promptLength), greedy(maxTokens));
    }

    /**
     * Prompts ending mid-block and on block boundaries, prefilled in chunks of 7 tokens, queued together so that
     * several sequences share every step; blocks of one slot seal in the write that opens them.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 4, 16})
    void greedyOutputMatchesF32WhateverTheBlockSizeAndChunking(int blockSize) throws Exception {
        List<GenerationRequest> requests = new ArrayList<>();
        int[] promptLengths = {5, 16, 17, 32, 47, 64};
        for (int i = 0; i < promptLengths.length; i++) {
            requests.add(request("r" + i, promptLengths[i], 21));
        }
        EngineConfig config = EngineTest.config().withBlockSize(blockSize).withMaxBatchTokens(7);
        List<Output> f32 = run(config, requests);
        assertMatch(run(staged(config), requests), f32);
    }

    @Test
    void prefixCacheHitsReadTheSharedFullBlocksAsF32Does() throws Exception {
        List<Output> f32 = requestsSharingAPrefix(EngineTest.config());
        assertMatch(requestsSharingAPrefix(staged(EngineTest.config())), f32);
    }

    /** Requests run one after the other, sharing their first 64 tokens: the later ones attach the first's blocks. */
    private static List<Output> requestsSharingAPrefix(EngineConfig config) throws Exception {
        try (Engine engine = Engine.start(model, config)) {
            List<Output> outputs = new ArrayList<>();
            int[] lengths = {70, 70, 83};
            for (int i = 0; i < lengths.length; i++) {
                outputs.addAll(run(engine, List.of(request("p" + i, lengths[i], 12))));
            }
            assertThat(engine.stats().numCachedBlocks()).isPositive();
            return outputs;
        }
    }

    /**
     * StreamingLLM keeps 4 sink tokens and the most recent ones: with a budget of 40 the kept slots end mid-block (the
     * compacted sequence's last block is open), with 48 on a block boundary.
     */
    @ParameterizedTest
    @ValueSource(ints = {40, 48})
    void evictionCompactsToTheSameCacheAsF32(int budget) throws Exception {
        EngineConfig evicting = EngineTest.config().withCacheProfile(CacheProfile.defaults()
                .withPrefixIndex(StrategyChoice.of("none"))
                .withEviction(StrategyChoice.of("streaming", Map.of("budget_tokens", budget, "evict_chunk", 12))));
        List<GenerationRequest> requests = List.of(request("long", 45, 150), request("short", 23, 90),
                request("aligned", 32, 120));
        List<Output> f32 = run(evicting, requests);
        assertMatch(run(staged(evicting), requests), f32);
    }

    /** 14 blocks for four sequences of 160 tokens: the scheduler must preempt, at whatever slot a block is filled to. */
    @ParameterizedTest
    @ValueSource(strings = {"recompute", "swap"})
    void preemptionUnderMemoryPressureGivesTheOutputOfAnUnpressuredF32Run(String preemption) throws Exception {
        List<GenerationRequest> requests = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            requests.add(request("p" + i, 60 - 5 * i, 100));
        }
        List<Output> expected = run(EngineTest.config(), requests);

        boolean swap = preemption.equals("swap");
        CacheProfile profile = CacheProfile.defaults().withCodec(STAGED).withPrefixIndex(StrategyChoice.of("none"))
                .withPreemption(swap ? StrategyChoice.of("swap", Map.of("min_computed_tokens", 0)) : StrategyChoice.of("recompute"))
                .withOffloadTier(swap ? StrategyChoice.of("host", Map.of("capacity_bytes", 64L << 20)) : StrategyChoice.of("none"));
        EngineConfig tight = EngineTest.config().withMaxContextTokens(200).withKvCacheBytes(stagedBudget(EngineTest.config(), 14))
                .withCacheProfile(profile);
        try (Engine engine = Engine.start(model, tight)) {
            assertMatch(run(engine, requests), expected);
            assertThat(engine.stats().numPreemptions()).isPositive();
            assertNoStagingLeft(engine);
            if (swap) {
                assertThat(engine.offloadTierUsedBytes()).as("swapped blocks and staging are discarded").isZero();
            }
        }
    }

    /**
     * The KV budget covers the blocks and the staging of one open block per request that may run at once: the blocks
     * are what is left after that reserve, and running as many requests as allowed stays within the budget.
     */
    @Test
    void theKvBudgetHoldsTheStagingOfEveryRunningRequest() throws Exception {
        int maxRunning = 6;
        EngineConfig base = EngineTest.config().withMaxContextTokens(256).withMaxRunningRequests(maxRunning);
        long budget = stagedBudget(base, 40);
        try (Engine engine = Engine.start(model, staged(base.withKvCacheBytes(budget)))) {
            assertThat(engine.stats().numBlocks()).isEqualTo(40);
            List<GenerationRequest> requests = new ArrayList<>();
            for (int i = 0; i < maxRunning; i++) {
                requests.add(request("r" + i, 20 + 7 * i, 24));
            }
            run(engine, requests);
            assertThat(engine.kvMemoryBytes()).as("blocks and staging allocated").isLessThanOrEqualTo(budget);
        }
        long tooSmall = stagedBudget(base, 16) - 1;
        assertThatThrownBy(() -> Engine.start(model, staged(base.withKvCacheBytes(tooSmall))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("set aside for the staging of 6 running requests")
                .hasMessageContaining("raise kvCacheBytes");
    }

    @Test
    void prefixBlocksSpilledToTheTierComeBackSealed() throws Exception {
        int[] prompt = EngineTest.longPrompt(70);
        List<Output> uncached = run(EngineTest.config(), List.of(GenerationRequest.of("u", prompt, greedy(4))));
        EngineConfig small = staged(EngineTest.config().withMaxContextTokens(192).withKvCacheBytes(stagedBudget(EngineTest.config(), 12))
                .withCacheProfile(CacheProfile.defaults().withOffloadTier(StrategyChoice.of("host", Map.of("capacity_bytes", 16L << 20)))));
        try (Engine engine = Engine.start(model, small)) {
            run(engine, List.of(GenerationRequest.of("a", prompt, greedy(4))));
            int[] other = new int[188];
            java.util.Arrays.fill(other, 300);
            other[0] = 1;
            run(engine, List.of(GenerationRequest.of("b", other, greedy(4))));
            OutputListener again = new OutputListener();
            engine.submit(GenerationRequest.of("c", prompt, greedy(4)), again);
            assertThat(again.await().numCachedPromptTokens()).isEqualTo(64);
            again.output().assertMatches(uncached.getFirst(), "the request restoring spilled blocks");
            assertNoStagingLeft(engine);
        }
    }

    /**
     * Random prompts and lengths under memory pressure with swapping, some cancelled mid-stream: every request that
     * runs to its end gives f32's unpressured output, and no staging area leaks.
     */
    @Test
    void aRandomWorkloadUnderPressureLeavesNoStagingBehind() throws Exception {
        SplittableRandom random = new SplittableRandom(7);
        List<GenerationRequest> requests = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            requests.add(request("w" + i, random.nextInt(2, 90), random.nextInt(1, 60)));
        }
        List<Output> expected = run(EngineTest.config(), requests);

        CacheProfile profile = CacheProfile.defaults().withCodec(STAGED).withPrefixIndex(StrategyChoice.of("none"))
                .withPreemption(StrategyChoice.of("swap", Map.of("min_computed_tokens", 0)))
                .withOffloadTier(StrategyChoice.of("host", Map.of("capacity_bytes", 64L << 20)));
        EngineConfig tight = EngineTest.config().withMaxContextTokens(160).withKvCacheBytes(stagedBudget(EngineTest.config(), 24))
                .withMaxBatchTokens(48).withCacheProfile(profile);
        try (Engine engine = Engine.start(model, tight)) {
            List<OutputListener> listeners = new ArrayList<>();
            List<RequestHandle> handles = new ArrayList<>();
            for (GenerationRequest request : requests) {
                OutputListener listener = new OutputListener();
                handles.add(engine.submit(request, listener));
                listeners.add(listener);
            }
            for (int i = 0; i < requests.size(); i += 5) {
                listeners.get(i).firstToken.get(60, java.util.concurrent.TimeUnit.SECONDS);
                handles.get(i).cancel();
            }
            for (int i = 0; i < requests.size(); i++) {
                FinishReason reason = listeners.get(i).await().finishReason();
                if (reason == FinishReason.LENGTH) {
                    listeners.get(i).output().assertMatches(expected.get(i), "request " + i);
                } else {
                    assertThat(reason).isEqualTo(FinishReason.CANCELLED);
                }
            }
            assertThat(engine.stats().numPreemptions()).isPositive();
            assertNoStagingLeft(engine);
        }
    }
}
