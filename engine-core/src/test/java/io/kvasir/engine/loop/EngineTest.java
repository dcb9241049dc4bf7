package io.kvasir.engine.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.kvasir.api.FinishReason;
import io.kvasir.api.GenerationListener;
import io.kvasir.api.GenerationRequest;
import io.kvasir.api.GenerationResult;
import io.kvasir.api.InvalidRequestException;
import io.kvasir.api.SamplingParams;
import io.kvasir.api.TokenOutput;
import io.kvasir.engine.model.LoadedModel;
import io.kvasir.engine.testing.CollectingListener;
import io.kvasir.engine.testing.Goldens;
import io.kvasir.engine.testing.SharedFiles;

/** The engine loop on the real stories260K model: batching, chunked prefill, cancellation, preemption. */
class EngineTest {

    private static final int[] ONCE_UPON_A_TIME = {1, 403, 407, 261, 378};
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

    static EngineConfig config() {
        return EngineConfig.defaults().withNumThreads(2).withMaxContextTokens(512).withKvCacheBytes(8L << 20);
    }

    static SamplingParams greedy(int maxTokens) {
        return SamplingParams.builder().temperature(0).maxTokens(maxTokens).ignoreEos(true).build();
    }

    private static int[] generate(Engine engine, String id, int[] prompt, SamplingParams sampling) throws Exception {
        CollectingListener listener = new CollectingListener();
        engine.submit(GenerationRequest.of(id, prompt, sampling), listener);
        listener.await();
        return listener.tokenIds();
    }

    /**
     * Eight short prompts fit one step's budget together: queued together, the first step prefills all of them, so
     * the first eight tokens delivered are each request's first (separately submitted requests may be admitted a
     * step apart).
     */
    @Test
    void requestsQueuedTogetherStartInTheSameStep() throws Exception {
        try (Engine engine = Engine.start(model, config())) {
            for (int round = 0; round < 5; round++) {
                List<String> order = new ArrayList<>();
                List<GenerationRequest> specs = new ArrayList<>();
                List<CollectingListener> listeners = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    String id = "together-" + round + "-" + i;
                    specs.add(GenerationRequest.of(id, longPrompt(20 + i), greedy(4)));
                    listeners.add(recording(id, order));
                }
                engine.submitAll(specs, List.<GenerationListener>copyOf(listeners));
                for (CollectingListener listener : listeners) {
                    assertThat(listener.await().numGeneratedTokens()).isEqualTo(4);
                }
                synchronized (order) {
                    assertThat(order.subList(0, 8)).as("round %d", round).doesNotHaveDuplicates();
                }
            }
            assertThat(engine.stats().numBlocksHeldByRequests()).isZero();
        }
    }

    /** A listener that also appends {@code id} to {@code order} for each token. */
    private static CollectingListener recording(String id, List<String> order) {
        return new CollectingListener() {
            @Override
            public synchronized void onToken(TokenOutput token) {
                super.onToken(token);
                synchronized (order) {
                    order.add(id);
                }
            }
        };
    }

    @Test
    void aBatchWithOneBadRequestQueuesNone() throws Exception {
        try (Engine engine = Engine.start(model, config())) {
            CollectingListener first = new CollectingListener();
            List<GenerationRequest> duplicateIds = List.of(
                    GenerationRequest.of("same", longPrompt(10), greedy(2)),
                    GenerationRequest.of("same", longPrompt(10), greedy(2)));
            assertThatThrownBy(() -> engine.submitAll(duplicateIds, List.of(first, new CollectingListener())))
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("request id same is already in use");
            List<GenerationRequest> tooLong = List.of(
                    GenerationRequest.of("fits", longPrompt(10), greedy(2)),
                    GenerationRequest.of("too-long", longPrompt(600), greedy(2)));
            assertThatThrownBy(() -> engine.submitAll(tooLong, List.of(new CollectingListener(), new CollectingListener())))
                    .isInstanceOf(InvalidRequestException.class);
            assertThatThrownBy(() -> engine.submitAll(List.of(tooLong.getFirst()), List.of()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("1 requests but 0 listeners");

            // Nothing was queued: both ids are free and nobody was told of a token.
            assertThat(engine.stats().numWaiting()).isZero();
            CollectingListener again = new CollectingListener();
            engine.submitAll(List.of(GenerationRequest.of("same", longPrompt(10), greedy(2)),
                    GenerationRequest.of("fits", longPrompt(10), greedy(2))),
                    List.of(again, new CollectingListener()));
            assertThat(again.await().numGeneratedTokens()).isEqualTo(2);
            assertThat(first.tokens).isEmpty();
        }
    }

    @Test
    void greedyTokensAndTextMatchLlamaCppForEveryGoldenPrompt() throws Exception {
        try (Engine engine = Engine.start(model, config())) {
            for (Goldens.Case c : Goldens.load("stories260K").cases()) {
                CollectingListener listener = new CollectingListener();
                SamplingParams sampling = SamplingParams.builder().temperature(0).maxTokens(c.greedyTokens().length).build();
                engine.submit(GenerationRequest.of("g" + c.prompt().length(), c.promptTokens(), sampling), listener);
                assertThat(listener.await().finishReason()).isEqualTo(FinishReason.LENGTH);
                assertThat(listener.tokenIds()).as("tokens after '%s'", c.prompt()).containsExactly(c.greedyTokens());
                assertThat(listener.text.toString()).as("text after '%s'", c.prompt()).isEqualTo(c.greedyText());
            }
            assertThat(engine.stats().numBlocksHeldByRequests()).isZero();
        }
    }

    @Test
    void aStopStringEndsGenerationAndIsNotEmitted() throws Exception {
        try (Engine engine = Engine.start(model, config())) {
            CollectingListener listener = new CollectingListener();
            SamplingParams sampling = SamplingParams.builder().temperature(0).maxTokens(100).stop("Lily").build();
            engine.submit(GenerationRequest.of("stop", ONCE_UPON_A_TIME, sampling), listener);
            GenerationResult result = listener.await();
            assertThat(result.finishReason()).isEqualTo(FinishReason.STOP);
            assertThat(listener.text.toString()).isEqualTo(", there was a little girl named ");
            assertThat(engine.stats().numBlocksHeldByRequests()).isZero();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 7, 16, 64})
    void chunkedPrefillAtAnySizeGivesTheSameTokens(int chunk) throws Exception {
        int[] prompt = longPrompt(90);
        int[] expected;
        try (Engine engine = Engine.start(model, config())) {
            expected = generate(engine, "whole", prompt, greedy(24));
        }
        try (Engine engine = Engine.start(model, config().withMaxBatchTokens(chunk))) {
            assertThat(generate(engine, "chunked", prompt, greedy(24))).containsExactly(expected);
        }
    }

    @Test
    void aRequestGivesTheSameTokensAloneAndAmongFifteenOthers() throws Exception {
        int[] prompt = longPrompt(40);
        int[] alone;
        try (Engine engine = Engine.start(model, config())) {
            alone = generate(engine, "alone", prompt, greedy(32));
        }
        try (Engine engine = Engine.start(model, config())) {
            List<CollectingListener> listeners = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                CollectingListener listener = new CollectingListener();
                int[] p = i == 7 ? prompt : longPrompt(10 + 3 * i);
                engine.submit(GenerationRequest.of("r" + i, p, greedy(32)), listener);
                listeners.add(listener);
            }
            for (CollectingListener listener : listeners) {
                listener.await();
            }
            assertThat(listeners.get(7).tokenIds()).containsExactly(alone);
            assertThat(engine.stats().numBlocksHeldByRequests()).isZero();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"recompute", "swap"})
    void preemptionUnderMemoryPressureCompletesEveryRequestWithTheSameTokens(String preemption) throws Exception {
        int[] prompt = longPrompt(60);
        int[] expected;
        try (Engine engine = Engine.start(model, config())) {
            expected = generate(engine, "ref", prompt, greedy(100));
        }
        long blockBytes = model.kvBytesPerToken() * 16;
        // 14 blocks: two sequences of 160 tokens need 20, so the scheduler must preempt and recompute.
        CacheProfile profile = CacheProfile.defaults().withPrefixIndex(StrategyChoice.of("none"))
                .withPreemption(preemption.equals("swap") ? StrategyChoice.of("swap", java.util.Map.of("min_computed_tokens", 0))
                        : StrategyChoice.of("recompute"))
                .withOffloadTier(preemption.equals("swap") ? StrategyChoice.of("host", java.util.Map.of("capacity_bytes", 64L << 20))
                        : StrategyChoice.of("none"));
        EngineConfig tight = config().withMaxContextTokens(200).withKvCacheBytes(blockBytes * 14).withCacheProfile(profile);
        try (Engine engine = Engine.start(model, tight)) {
            List<CollectingListener> listeners = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                CollectingListener listener = new CollectingListener();
                engine.submit(GenerationRequest.of("p" + i, prompt, greedy(100)), listener);
                listeners.add(listener);
            }
            for (CollectingListener listener : listeners) {
                assertThat(listener.await().finishReason()).isEqualTo(FinishReason.LENGTH);
                assertThat(listener.tokenIds()).containsExactly(expected);
            }
            assertThat(engine.stats().numPreemptions()).isPositive();
            assertThat(engine.stats().numBlocksHeldByRequests()).isZero();
        }
    }

    @Test
    void cancellingMidStreamFreesTheRequestsBlocks() throws Exception {
        try (Engine engine = Engine.start(model, config())) {
            CollectingListener listener = new CollectingListener();
            RequestHandle handle = engine.submit(GenerationRequest.of("c1", ONCE_UPON_A_TIME, greedy(400)), listener);
            listener.firstToken.get(30, TimeUnit.SECONDS);
            handle.cancel();
            GenerationResult result = listener.await();
            assertThat(result.finishReason()).isEqualTo(FinishReason.CANCELLED);
            assertThat(result.numGeneratedTokens()).isLessThan(400);
            assertThat(engine.stats().numBlocksHeldByRequests()).isZero();
        }
    }

    @Test
    void promptsThatCannotFitTheContextAreRefusedAndTheEngineStaysUsable() throws Exception {
        try (Engine engine = Engine.start(model, config().withMaxContextTokens(64))) {
            for (int i = 0; i < 20; i++) {
                int n = i;
                assertThatThrownBy(() -> engine.submit(GenerationRequest.of("big" + n, longPrompt(64), greedy(8)), new CollectingListener()))
                        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("context");
                assertThatThrownBy(() -> engine.submit(GenerationRequest.of("max" + n, longPrompt(10), greedy(60)), new CollectingListener()))
                        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("max_tokens");
            }
            assertThatThrownBy(() -> engine.submit(GenerationRequest.of("vocab", new int[] {1, 99999}, greedy(8)), new CollectingListener()))
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("vocabulary");
            assertThat(generate(engine, "ok", ONCE_UPON_A_TIME, greedy(8))).hasSize(8);
        }
    }

    @Test
    void theSameSeedGivesTheSameText() throws Exception {
        SamplingParams seeded = SamplingParams.builder().temperature(1.0).seed(1234L).maxTokens(40).ignoreEos(true).build();
        try (Engine engine = Engine.start(model, config())) {
            int[] first = generate(engine, "s1", ONCE_UPON_A_TIME, seeded);
            int[] second = generate(engine, "s2", ONCE_UPON_A_TIME, seeded);
            assertThat(second).containsExactly(first);
        }
    }

    @Test
    void requestsSharingAPrefixReuseItsBlocksAndGiveTheSameTokens() throws Exception {
        int[] prompt = longPrompt(70);
        int[] uncached;
        try (Engine engine = Engine.start(model, config().withCacheProfile(CacheProfile.defaults().withPrefixIndex(StrategyChoice.of("none"))))) {
            uncached = generate(engine, "u", prompt, greedy(20));
        }
        for (String index : new String[] {"hash", "radix"}) {
            try (Engine engine = Engine.start(model, config().withCacheProfile(CacheProfile.defaults().withPrefixIndex(StrategyChoice.of(index))))) {
                CollectingListener first = new CollectingListener();
                engine.submit(GenerationRequest.of("a", prompt, greedy(20)), first);
                assertThat(first.await().numCachedPromptTokens()).isZero();
                CollectingListener second = new CollectingListener();
                engine.submit(GenerationRequest.of("b", prompt, greedy(20)), second);
                GenerationResult result = second.await();
                assertThat(result.numCachedPromptTokens()).as(index).isEqualTo(64);
                assertThat(second.tokenIds()).as(index).containsExactly(uncached);
                assertThat(first.tokenIds()).as(index).containsExactly(uncached);
                assertThat(engine.stats().numBlocksHeldByRequests()).isZero();
                assertThat(engine.stats().numCachedBlocks()).isPositive();
            }
        }
    }

    @Test
    void prefixBlocksEvictedUnderPressureSpillToTheTierAndComeBackOnALaterHit() throws Exception {
        int[] prompt = longPrompt(70);
        int[] uncached;
        try (Engine engine = Engine.start(model, config())) {
            uncached = generate(engine, "u", prompt, greedy(4));
        }
        long blockBytes = model.kvBytesPerToken() * 16;
        EngineConfig small = config().withMaxContextTokens(192).withKvCacheBytes(blockBytes * 12)
                .withCacheProfile(CacheProfile.defaults().withOffloadTier(StrategyChoice.of("host", java.util.Map.of("capacity_bytes", 16L << 20))));
        try (Engine engine = Engine.start(model, small)) {
            generate(engine, "a", prompt, greedy(4));
            int[] other = new int[188];
            java.util.Arrays.fill(other, 300);
            other[0] = 1;
            generate(engine, "b", other, greedy(4));
            CollectingListener again = new CollectingListener();
            engine.submit(GenerationRequest.of("c", prompt, greedy(4)), again);
            assertThat(again.await().numCachedPromptTokens()).isEqualTo(64);
            assertThat(again.tokenIds()).containsExactly(uncached);
            assertThat(engine.stats().numBlocksHeldByRequests()).isZero();
        }
    }

    @Test
    void tenantsInDifferentPrefixGroupsNeverShareCacheEntries() throws Exception {
        int[] prompt = longPrompt(70);
        try (Engine engine = Engine.start(model, config())) {
            CollectingListener a = new CollectingListener();
            engine.submit(new GenerationRequest("a", "tenant-a", prompt, greedy(4), 0), a);
            a.await();
            CollectingListener b = new CollectingListener();
            engine.submit(new GenerationRequest("b", "tenant-b", prompt, greedy(4), 0), b);
            assertThat(b.await().numCachedPromptTokens()).isZero();
            CollectingListener sameGroup = new CollectingListener();
            engine.submit(new GenerationRequest("c", "tenant-c", 1.0, "tenant-a", prompt, greedy(4), 0), sameGroup);
            assertThat(sameGroup.await().numCachedPromptTokens()).isEqualTo(64);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"f16", "int8", "fp8-e4m3", "int4-kivi"})
    void everyKvCodecServesRequestsAndStaysCloseToTheExactCache(String codec) throws Exception {
        int[] prompt = longPrompt(50);
        int[] exact;
        try (Engine engine = Engine.start(model, config())) {
            exact = generate(engine, "exact", prompt, greedy(12));
        }
        EngineConfig encoded = config().withCacheProfile(CacheProfile.defaults().withCodec(StrategyChoice.of(codec)));
        try (Engine engine = Engine.start(model, encoded)) {
            int[] tokens = generate(engine, "encoded", prompt, greedy(12));
            assertThat(tokens).hasSize(12);
            assertThat(tokens[0]).as("first token with %s", codec).isEqualTo(exact[0]);
            if (codec.equals("f16")) {
                assertThat(tokens).containsExactly(exact);
            }
            assertThat(engine.kvBytesPerToken()).isLessThan(model.kvBytesPerToken());
            assertThat(engine.stats().numBlocksHeldByRequests()).isZero();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"streaming", "h2o", "snapkv"})
    void evictionKeepsASequenceWithinItsBudgetAndFreesTheBlocks(String policy) throws Exception {
        java.util.Map<String, Object> budget = policy.equals("snapkv")
                ? java.util.Map.of("budget_tokens", 48, "evict_chunk", 16, "window", 8)
                : java.util.Map.of("budget_tokens", 48, "evict_chunk", 16);
        EngineConfig evicting = config().withCacheProfile(CacheProfile.defaults().withPrefixIndex(StrategyChoice.of("none"))
                .withEviction(StrategyChoice.of(policy, budget)));
        try (Engine engine = Engine.start(model, evicting)) {
            MaxBlocksListener listener = new MaxBlocksListener(engine);
            engine.submit(GenerationRequest.of("long", longPrompt(40), greedy(300)), listener);
            GenerationResult result = listener.await();
            assertThat(result.finishReason()).isEqualTo(FinishReason.LENGTH);
            assertThat(result.numGeneratedTokens()).isEqualTo(300);
            // 340 positions, but the cache never holds more than budget + chunk slots (+1 partly filled block).
            assertThat(listener.maxBlocks).as(policy).isLessThanOrEqualTo((48 + 16) / 16 + 1);
            assertThat(listener.text.toString()).isNotBlank();
            assertThat(engine.stats().numBlocksHeldByRequests()).isZero();
        }
    }

    @Test
    void accumulatedAttentionForgetsAtThePolicysDecayPerToken() throws Exception {
        // Every computed token gives one unit of attention per layer and head, spread over the slots. Summed, the
        // scores hold one unit per query; with decay d each step first multiplies them by d, so after many decode
        // steps they total units / (1 - d) whatever came before.
        double unitsPerQuery = (double) model.config().numLayers() * model.config().numHeads();
        int[] prompt = longPrompt(40);
        int numGenerated = 40;
        io.kvasir.engine.plugin.PluginRegistry registry = io.kvasir.engine.plugin.PluginRegistry.load();
        for (double decay : new double[] {1.0, 0.5}) {
            EngineConfig recording = config().withCacheProfile(CacheProfile.defaults().withPrefixIndex(StrategyChoice.of("none"))
                    .withEviction(StrategyChoice.of("test-decaying", java.util.Map.of("decay", decay))));
            try (Engine engine = Engine.start(model, recording, registry)) {
                generate(engine, "decay-" + decay, prompt, greedy(numGenerated));
            }
            // The last select saw every computed token: the prompt and all generated tokens but the last.
            double expected = decay == 1.0 ? (prompt.length + numGenerated - 1) * unitsPerQuery : unitsPerQuery / (1 - decay);
            assertThat(RecordingDecayEviction.lastTotal).as("decay %s", decay).isCloseTo(expected, org.assertj.core.data.Percentage.withPercentage(0.1));
        }
    }

    /** The calls of the {@code test-window} policy while {@code prompt} generates {@code numGenerated} tokens. */
    private static List<RecordingWindowEviction.Call> windowCalls(int[] prompt, int numGenerated, Object... config)
            throws Exception {
        java.util.Map<String, Object> fields = new java.util.LinkedHashMap<>();
        for (int i = 0; i < config.length; i += 2) {
            fields.put((String) config[i], config[i + 1]);
        }
        EngineConfig recording = config().withCacheProfile(CacheProfile.defaults().withPrefixIndex(StrategyChoice.of("none"))
                .withEviction(StrategyChoice.of("test-window", fields)));
        RecordingWindowEviction.reset();
        try (Engine engine = Engine.start(model, recording, io.kvasir.engine.plugin.PluginRegistry.load())) {
            generate(engine, "window", prompt, greedy(numGenerated));
        }
        return RecordingWindowEviction.calls();
    }

    private static RecordingWindowEviction.Call endOfPrefill(List<RecordingWindowEviction.Call> calls) {
        return calls.stream().filter(RecordingWindowEviction.Call::endOfPrefill).findFirst().orElseThrow();
    }

    private static void assertSameScores(float[] actual, float[] expected, String what) {
        assertThat(actual).as(what).hasSameSizeAs(expected);
        for (int slot = 0; slot < expected.length; slot++) {
            assertThat(actual[slot]).as("%s, slot %d", what, slot)
                    .isCloseTo(expected[slot], org.assertj.core.data.Offset.offset(1e-4f + 1e-3f * Math.abs(expected[slot])));
        }
    }

    @Test
    void theRecentWindowIsTheAttentionOfTheLastQueriesPromptOrGenerated() throws Exception {
        double unitsPerQuery = (double) model.config().numLayers() * model.config().numHeads();
        int window = 8;
        int[] prompt = longPrompt(20);
        int numGenerated = 30;
        int[] generated;
        try (Engine engine = Engine.start(model, config())) {
            generated = generate(engine, "reference", prompt, greedy(numGenerated));
        }
        List<RecordingWindowEviction.Call> recent = windowCalls(prompt, numGenerated, "window", window);

        // At the end of prefill: the prompt's observation window.
        float[] promptWindow = endOfPrefill(windowCalls(prompt, 1, "window", window, "statistic", "prompt")).scores();
        assertSameScores(endOfPrefill(recent).scores(), promptWindow, "end of prefill");
        // After decoding: the last select saw 49 computed tokens (the last generated one is never computed); its
        // statistic is the observation window of a prompt made of those 49 tokens.
        int[] sequence = java.util.stream.IntStream.concat(java.util.Arrays.stream(prompt), java.util.Arrays.stream(generated))
                .limit(prompt.length + numGenerated - 1).toArray();
        float[] asPrompt = endOfPrefill(windowCalls(sequence, 1, "window", window, "statistic", "prompt")).scores();
        float[] last = recent.getLast().scores();
        assertSameScores(last, asPrompt, "after " + numGenerated + " tokens");
        double total = 0;
        for (float score : last) {
            total += score;
        }
        assertThat(total).isCloseTo(window * unitsPerQuery, org.assertj.core.data.Percentage.withPercentage(0.1));
    }

    @Test
    void theRecentWindowFollowsTheSlotsWhenTheCacheIsCompacted() throws Exception {
        double unitsPerQuery = (double) model.config().numLayers() * model.config().numHeads();
        // A window longer than the sequence: no query leaves it, so each step only adds the new query's attention.
        List<RecordingWindowEviction.Call> calls = windowCalls(longPrompt(30), 5, "window", 64, "drop_from", 4, "drop_count", 10);
        int prefill = calls.indexOf(endOfPrefill(calls));
        float[] before = calls.get(prefill).scores();
        float[] after = calls.get(prefill + 1).scores();

        // Slots 0..3 and 14..29 were kept, now slots 0..19; slot 20 is the first generated token.
        assertThat(before).hasSize(30);
        assertThat(after).hasSize(21);
        double added = after[20];
        for (int slot = 0; slot < 20; slot++) {
            int from = slot < 4 ? slot : slot + 10;
            double gain = after[slot] - before[from];
            assertThat(gain).as("slot %d (was %d)", slot, from).isBetween(-1e-4, unitsPerQuery);
            added += gain;
        }
        // The new query's attention, one unit per layer and head over the 21 slots, and nothing else moved.
        assertThat(added).isCloseTo(unitsPerQuery, org.assertj.core.data.Percentage.withPercentage(0.1));
    }

    @Test
    void theRecentWindowAddsNoAllocationPerDecodeToken() throws Exception {
        // The loop thread's allocation per token in the steady state of a long decode, where both policies evict
        // every 17 tokens: the window without statistics against SnapKV's ring of attention rows.
        double streaming = loopBytesPerToken(StrategyChoice.of("streaming",
                java.util.Map.of("budget_tokens", 48, "evict_chunk", 16)));
        double snapKv = loopBytesPerToken(StrategyChoice.of("snapkv",
                java.util.Map.of("budget_tokens", 48, "evict_chunk", 16, "window", 8)));
        assertThat(snapKv).as("bytes per token, streaming %.1f", streaming).isLessThanOrEqualTo(streaming + 8);
    }

    /**
     * Bytes the engine loop allocates per token between the 100th and the 300th token of a request: the least of
     * five requests, as the JIT's transients (a deoptimised kernel runs interpreted for a while) fall on any of them.
     */
    private static double loopBytesPerToken(StrategyChoice eviction) throws Exception {
        EngineConfig evicting = config().withCacheProfile(CacheProfile.defaults().withPrefixIndex(StrategyChoice.of("none"))
                .withEviction(eviction));
        double least = Double.MAX_VALUE;
        try (Engine engine = Engine.start(model, evicting)) {
            for (int run = 0; run < 5; run++) {
                AllocationListener listener = new AllocationListener(100, 300);
                engine.submit(GenerationRequest.of("alloc-" + run, longPrompt(40), greedy(300)), listener);
                listener.await();
                least = Math.min(least, (double) (listener.allocatedAtLast - listener.allocatedAtFirst) / (300 - 100));
            }
        }
        return least;
    }

    /** Reads the loop thread's allocated bytes at two token counts; collects no tokens (that would allocate). */
    private static final class AllocationListener extends CollectingListener {
        private final com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        private final int first;
        private final int last;
        private int numTokens;
        volatile long allocatedAtFirst;
        volatile long allocatedAtLast;

        AllocationListener(int first, int last) {
            this.first = first;
            this.last = last;
        }

        @Override
        public void onToken(io.kvasir.api.TokenOutput token) {
            numTokens++;
            if (numTokens == first) {
                allocatedAtFirst = threads.getCurrentThreadAllocatedBytes();
            } else if (numTokens == last) {
                allocatedAtLast = threads.getCurrentThreadAllocatedBytes();
            }
        }
    }

    @Test
    void anAttentionDecayOutsideZeroToOneIsRefusedWithAClearMessage() {
        for (double decay : new double[] {1.5, -0.5}) {
            EngineConfig invalid = config().withCacheProfile(CacheProfile.defaults().withPrefixIndex(StrategyChoice.of("none"))
                    .withEviction(StrategyChoice.of("test-decaying", java.util.Map.of("decay", decay))));
            assertThatThrownBy(() -> Engine.start(model, invalid, io.kvasir.engine.plugin.PluginRegistry.load()))
                    .as("decay %s", decay)
                    .hasMessageContaining("eviction policy 'test-decaying' asked for an attention decay of " + decay)
                    .hasMessageContaining("it must be in [0, 1]");
        }
    }

    @Test
    void aRecentWindowOfNoQueriesIsRefusedWithAClearMessage() {
        EngineConfig empty = config().withCacheProfile(CacheProfile.defaults().withPrefixIndex(StrategyChoice.of("none"))
                .withEviction(StrategyChoice.of("test-window", java.util.Map.of("window", 0))));
        assertThatThrownBy(() -> Engine.start(model, empty, io.kvasir.engine.plugin.PluginRegistry.load()))
                .hasMessageContaining("test-window").hasMessageContaining("observation window of 0");
    }

    @Test
    void anEvictionPolicyThatThrowsIsCountedAndRequestsStillComplete() throws Exception {
        io.kvasir.engine.plugin.PluginRegistry registry = io.kvasir.engine.plugin.PluginRegistry.load();
        EngineConfig throwing = config().withCacheProfile(CacheProfile.defaults().withPrefixIndex(StrategyChoice.of("none"))
                .withEviction(StrategyChoice.of("test-throwing")));
        int[] expected;
        try (Engine engine = Engine.start(model, config())) {
            expected = generate(engine, "ref", longPrompt(30), greedy(10));
        }
        try (Engine engine = Engine.start(model, throwing, registry)) {
            assertThat(generate(engine, "t", longPrompt(30), greedy(10))).containsExactly(expected);
            assertThat(engine.stats().numBlocksHeldByRequests()).isZero();
        }
        assertThat(registry.statuses(io.kvasir.api.plugin.PluginKind.EVICTION))
                .filteredOn(s -> s.name().equals("test-throwing")).singleElement()
                .satisfies(s -> assertThat(s.numStepFailures()).isPositive());
    }

    @Test
    void evictionWithPrefixCachingIsRefusedWithAClearMessage() {
        EngineConfig both = config().withCacheProfile(CacheProfile.defaults().withEviction(StrategyChoice.of("streaming")));
        assertThatThrownBy(() -> Engine.start(model, both)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs prefix index 'none'");
    }

    /** Records the most blocks the engine held while the request ran. */
    private static final class MaxBlocksListener extends CollectingListener {
        private final Engine engine;
        volatile int maxBlocks;

        MaxBlocksListener(Engine engine) {
            this.engine = engine;
        }

        @Override
        public synchronized void onToken(io.kvasir.api.TokenOutput token) {
            super.onToken(token);
            maxBlocks = Math.max(maxBlocks, engine.stats().numBlocksHeldByRequests());
        }
    }

    /** A prompt of real story tokens: BOS then cycling over a sentence. */
    static int[] longPrompt(int length) {
        int[] sentence = {403, 407, 261, 378, 432, 383, 286, 261, 376, 298, 315};
        int[] prompt = new int[length];
        prompt[0] = 1;
        for (int i = 1; i < length; i++) {
            prompt[i] = sentence[(i - 1) % sentence.length];
        }
        return prompt;
    }
}
