package io.kvasir.engine.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.kvasir.api.FinishReason;
import io.kvasir.api.GenerationRequest;
import io.kvasir.api.GenerationResult;
import io.kvasir.api.TokenOutput;
import io.kvasir.api.plugin.InvalidConfigException;
import io.kvasir.engine.model.LoadedModel;
import io.kvasir.engine.plugin.UnknownPluginException;
import io.kvasir.engine.testing.CollectingListener;
import io.kvasir.engine.testing.SharedFiles;

/**
 * {@link Engine#reconfigure}: live changes are installed between two steps, and a request keeps the eviction it
 * started under (RELIABILITY.md item 23). The loop is held inside a listener where a test needs "before the next
 * step" to be a fact rather than a race.
 */
class LiveReconfigurationTest {

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

    private static LiveConfig live(Engine engine) {
        return engine.liveConfig();
    }

    @Test
    void aNewSchedulingPolicyIsInstalledBetweenStepsAndPicksFromThenOn() throws Exception {
        try (Engine engine = Engine.start(model, EngineTest.config().withMaxRunningRequests(1))) {
            List<String> finishOrder = new CopyOnWriteArrayList<>();
            HeldListener first = new HeldListener(finishOrder, "first");
            engine.submit(GenerationRequest.of("first", EngineTest.longPrompt(8), EngineTest.greedy(4)), first);
            first.held.await(30, TimeUnit.SECONDS);
            // The loop is inside a step (held in the listener), so the change cannot be installed yet.
            LiveConfig newest = new LiveConfig(StrategyChoice.of("test-newest"), StrategyChoice.of("none"),
                    StrategyChoice.of("recompute"), EngineConfig.DEFAULT_MAX_BATCH_TOKENS, 1, 1024);
            CompletableFuture<LiveConfig> installed = engine.reconfigure(newest);
            assertThat(installed).isNotDone();
            assertThat(live(engine).scheduling().name()).isEqualTo("fcfs");
            List<HeldListener> waiting = List.of(new HeldListener(finishOrder, "b"), new HeldListener(finishOrder, "c"),
                    new HeldListener(finishOrder, "d"));
            for (HeldListener listener : waiting) {
                listener.release.countDown();
                engine.submit(GenerationRequest.of(listener.id, EngineTest.longPrompt(8), EngineTest.greedy(4)), listener);
            }
            first.release.countDown();
            assertThat(installed.get(30, TimeUnit.SECONDS)).isEqualTo(newest);
            for (HeldListener listener : waiting) {
                listener.await();
            }
            // Under fcfs b, c, d would run in arrival order; the newest-first policy reverses them.
            assertThat(finishOrder).containsExactly("first", "d", "c", "b");
            assertThat(live(engine)).isEqualTo(newest);
            assertThat(engine.stats().numBlocksHeldByRequests()).isZero();
        }
    }

    @Test
    void aRequestKeepsTheEvictionItStartedUnderAndLaterRequestsGetTheNewOne() throws Exception {
        EngineConfig noEviction = EngineTest.config().withCacheProfile(CacheProfile.defaults().withPrefixIndex(StrategyChoice.of("none")));
        int[] prompt = EngineTest.longPrompt(40);
        int[] reference;
        try (Engine engine = Engine.start(model, noEviction)) {
            CollectingListener listener = new CollectingListener();
            engine.submit(GenerationRequest.of("ref", prompt, EngineTest.greedy(300)), listener);
            listener.await();
            reference = listener.tokenIds();
        }
        try (Engine engine = Engine.start(model, noEviction)) {
            BlocksListener started = new BlocksListener(engine);
            engine.submit(GenerationRequest.of("started", prompt, EngineTest.greedy(300)), started);
            started.held.await(30, TimeUnit.SECONDS);
            LiveConfig streaming = new LiveConfig(StrategyChoice.of("fcfs"),
                    StrategyChoice.of("streaming", Map.of("budget_tokens", 48, "evict_chunk", 16)),
                    StrategyChoice.of("recompute"), EngineConfig.DEFAULT_MAX_BATCH_TOKENS, 16, 1024);
            CompletableFuture<LiveConfig> installed = engine.reconfigure(streaming);
            started.release.countDown();
            installed.get(30, TimeUnit.SECONDS);
            assertThat(started.await().finishReason()).isEqualTo(FinishReason.LENGTH);
            BlocksListener later = new BlocksListener(engine);
            later.release.countDown();
            engine.submit(GenerationRequest.of("later", prompt, EngineTest.greedy(300)), later);
            assertThat(later.await().finishReason()).isEqualTo(FinishReason.LENGTH);
            // The request that started without eviction finished without it: all 340 positions, the same tokens.
            assertThat(started.tokenIds()).containsExactly(reference);
            assertThat(started.maxBlocks).isGreaterThanOrEqualTo(340 / 16);
            // The one that started after the change stayed within budget + chunk (+1 partly filled block).
            assertThat(later.maxBlocks).isLessThanOrEqualTo((48 + 16) / 16 + 1);
            assertThat(engine.stats().numBlocksHeldByRequests()).isZero();
        }
    }

    @Test
    void aLoweredQueueLimitRefusesSubmissionsOnceInstalled() throws Exception {
        try (Engine engine = Engine.start(model, EngineTest.config())) {
            LiveConfig oneAtATime = new LiveConfig(StrategyChoice.of("fcfs"), StrategyChoice.of("none"),
                    StrategyChoice.of("recompute"), EngineConfig.DEFAULT_MAX_BATCH_TOKENS, 1, 0);
            engine.reconfigure(oneAtATime).get(30, TimeUnit.SECONDS);
            HeldListener running = new HeldListener(new CopyOnWriteArrayList<>(), "running");
            engine.submit(GenerationRequest.of("running", EngineTest.longPrompt(8), EngineTest.greedy(4)), running);
            running.held.await(30, TimeUnit.SECONDS);
            assertThatThrownBy(() -> engine.submit(GenerationRequest.of("over", EngineTest.longPrompt(8), EngineTest.greedy(4)),
                    new CollectingListener())).isInstanceOf(EngineOverloadedException.class);
            running.release.countDown();
            running.await();
            CollectingListener after = new CollectingListener();
            engine.submit(GenerationRequest.of("after", EngineTest.longPrompt(8), EngineTest.greedy(4)), after);
            assertThat(after.await().finishReason()).isEqualTo(FinishReason.LENGTH);
        }
    }

    @Test
    void badChangesAreRefusedOnTheCallersThreadAndChangeNothing() throws Exception {
        try (Engine engine = Engine.start(model, EngineTest.config())) {
            LiveConfig before = live(engine);
            StrategyChoice fcfs = StrategyChoice.of("fcfs");
            StrategyChoice none = StrategyChoice.of("none");
            StrategyChoice recompute = StrategyChoice.of("recompute");
            assertThatThrownBy(() -> engine.reconfigure(new LiveConfig(StrategyChoice.of("lottery"), none, recompute, EngineConfig.DEFAULT_MAX_BATCH_TOKENS, 16, 8)))
                    .isInstanceOf(UnknownPluginException.class).hasMessageContaining("lottery").hasMessageContaining("fcfs");
            assertThatThrownBy(() -> engine.reconfigure(new LiveConfig(StrategyChoice.of("vtc", Map.of("input_weight", -1)),
                    none, recompute, EngineConfig.DEFAULT_MAX_BATCH_TOKENS, 16, 8))).isInstanceOf(InvalidConfigException.class).hasMessageContaining("input_weight");
            assertThatThrownBy(() -> engine.reconfigure(new LiveConfig(fcfs, none, recompute, 4096, 16, 8)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("new engine instance");
            assertThatThrownBy(() -> engine.reconfigure(new LiveConfig(fcfs, none, recompute, EngineConfig.DEFAULT_MAX_BATCH_TOKENS, 17, 8)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxRunningRequests 17");
            assertThatThrownBy(() -> engine.reconfigure(new LiveConfig(fcfs, StrategyChoice.of("streaming"), recompute, EngineConfig.DEFAULT_MAX_BATCH_TOKENS, 16, 8)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs prefix index 'none'");
            assertThat(live(engine)).isEqualTo(before);
        }
    }

    @Test
    void aClosedEngineFreesItsKvMemoryAndRefusesChanges() {
        Engine engine = Engine.start(model, EngineTest.config());
        LiveConfig same = engine.liveConfig();
        assertThat(engine.kvMemoryBytes()).isPositive();
        engine.close();
        assertThat(engine.kvMemoryBytes()).isZero();
        assertThatThrownBy(() -> engine.reconfigure(same)).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    /** Holds the loop thread at the request's first token until the test releases it. */
    private static class HeldListener extends CollectingListener {
        final CountDownLatch held = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final List<String> finishOrder;
        final String id;

        HeldListener(List<String> finishOrder, String id) {
            this.finishOrder = finishOrder;
            this.id = id;
        }

        @Override
        public void onToken(TokenOutput token) {
            super.onToken(token);
            held.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void onComplete(GenerationResult result) {
            finishOrder.add(id);
            super.onComplete(result);
        }
    }

    /** Also records the most blocks the engine held while the request ran. */
    private static final class BlocksListener extends HeldListener {
        private final Engine engine;
        volatile int maxBlocks;

        BlocksListener(Engine engine) {
            super(new CopyOnWriteArrayList<>(), "");
            this.engine = engine;
        }

        @Override
        public void onToken(TokenOutput token) {
            maxBlocks = Math.max(maxBlocks, engine.stats().numBlocksHeldByRequests());
            super.onToken(token);
        }
    }
}
