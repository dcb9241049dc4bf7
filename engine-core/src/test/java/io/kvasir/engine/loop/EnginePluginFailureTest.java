package io.kvasir.engine.loop;

import io.kvasir.engine.testing.CollectingListener;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.kvasir.api.FinishReason;
import io.kvasir.api.GenerationRequest;
import io.kvasir.api.GenerationResult;
import io.kvasir.api.SamplingParams;
import io.kvasir.api.plugin.PluginKind;
import io.kvasir.engine.model.LoadedModel;
import io.kvasir.engine.plugin.FaultyPlugins;
import io.kvasir.engine.plugin.PluginRegistry;
import io.kvasir.engine.plugin.PluginStatus;
import io.kvasir.engine.plugin.PluginTimeoutException;
import io.kvasir.engine.testing.SharedFiles;

/**
 * RELIABILITY 22 on the real stories260K model: plugins that throw, block or never return during a step. The
 * engine keeps serving with the same tokens, fails only the requests a failure touched, reports the plugin,
 * and every block comes back.
 */
class EnginePluginFailureTest {

    private static final Duration PLUGIN_TIMEOUT = Duration.ofMillis(300);
    private static LoadedModel model;
    private static int[] expected;

    @BeforeAll
    static void load() throws Exception {
        model = LoadedModel.load(SharedFiles.require("models/stories260K.gguf"));
        try (Engine engine = Engine.start(model, config(CacheProfile.defaults()))) {
            expected = generate(engine, "reference");
        }
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
        }
    }

    @AfterEach
    void releaseSpinners() {
        FaultyPlugins.spinReleased = true;
        FaultyPlugins.CODEC_WRITES_TO_FAIL.set(0);
    }

    private static EngineConfig config(CacheProfile profile) {
        return EngineConfig.defaults().withNumThreads(2).withMaxContextTokens(256).withKvCacheBytes(4L << 20)
                .withPluginTimeout(PLUGIN_TIMEOUT).withCacheProfile(profile);
    }

    private static SamplingParams greedy() {
        return SamplingParams.builder().temperature(0).maxTokens(12).ignoreEos(true).build();
    }

    private static int[] generate(Engine engine, String id) throws Exception {
        CollectingListener listener = new CollectingListener();
        engine.submit(GenerationRequest.of(id, EngineTest.longPrompt(70), greedy()), listener);
        assertThat(listener.await().finishReason()).isEqualTo(FinishReason.LENGTH);
        return listener.tokenIds();
    }

    private static List<CollectingListener> submitThree(Engine engine) {
        List<CollectingListener> listeners = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            CollectingListener listener = new CollectingListener();
            engine.submit(GenerationRequest.of("r" + i, EngineTest.longPrompt(70), greedy()), listener);
            listeners.add(listener);
        }
        return listeners;
    }

    private static PluginStatus status(PluginRegistry registry, PluginKind kind, String name) {
        return registry.statuses(kind).stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    private static void assertAllBlocksBack(Engine engine) {
        EngineStats stats = engine.stats();
        assertThat(stats.numRunning()).isZero();
        assertThat(stats.numWaiting()).isZero();
        assertThat(stats.numBlocksHeldByRequests()).isZero();
    }

    @Test
    void aSchedulingPolicyThatNeverReturnsIsDisabledAndTheEngineServesInArrivalOrder() throws Exception {
        PluginRegistry registry = PluginRegistry.load();
        CacheProfile profile = CacheProfile.defaults().withScheduling(StrategyChoice.of("test-faulty-scheduling", Map.of("mode", "block")));
        try (Engine engine = Engine.start(model, config(profile), registry)) {
            List<CollectingListener> listeners = submitThree(engine);
            for (CollectingListener listener : listeners) {
                assertThat(listener.await().finishReason()).isEqualTo(FinishReason.LENGTH);
                assertThat(listener.tokenIds()).containsExactly(expected);
            }
            assertThat(generate(engine, "later")).containsExactly(expected);
            EngineStats stats = engine.stats();
            assertThat(stats.numPluginTimeouts()).isEqualTo(1);
            assertThat(stats.numPluginFailures()).isEqualTo(1);
            assertThat(stats.healthy()).isTrue();
            assertThat(stats.lastFailure()).contains("did not return from pickNext");
            assertAllBlocksBack(engine);
        }
        PluginStatus status = status(registry, PluginKind.SCHEDULING, "test-faulty-scheduling");
        assertThat(status.state()).isEqualTo(PluginStatus.State.FAILED);
        assertThat(status.failure()).isEqualTo("did not return from pickNext within 300 ms; disabled");
        assertThatThrownBy(() -> Engine.start(model, config(profile), registry)).hasMessageContaining("is unavailable");
    }

    @Test
    void aSchedulingPolicyThatThrowsIsCountedAndStaysActive() throws Exception {
        PluginRegistry registry = PluginRegistry.load();
        CacheProfile profile = CacheProfile.defaults().withScheduling(StrategyChoice.of("test-faulty-scheduling", Map.of("mode", "throw")));
        try (Engine engine = Engine.start(model, config(profile), registry)) {
            assertThat(generate(engine, "a")).containsExactly(expected);
            assertThat(generate(engine, "b")).containsExactly(expected);
            assertThat(engine.stats().numPluginFailures()).isEqualTo(2);
            assertThat(engine.stats().numPluginTimeouts()).isZero();
            assertAllBlocksBack(engine);
        }
        PluginStatus status = status(registry, PluginKind.SCHEDULING, "test-faulty-scheduling");
        assertThat(status.state()).isEqualTo(PluginStatus.State.ACTIVE);
        assertThat(status.numStepFailures()).isEqualTo(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"throw", "block"})
    void aPrefixIndexThatFailsTurnsPrefixCachingOffAndGivesItsBlocksBack(String mode) throws Exception {
        PluginRegistry registry = PluginRegistry.load();
        // The first request inserts its blocks twice (prompt, then a generated block) and they stay cached; the
        // second request matches them, and its insert fails.
        CacheProfile profile = CacheProfile.defaults().withPrefixIndex(StrategyChoice.of("test-faulty-prefix",
                Map.of("mode", mode, "call", "insert", "after", 2)));
        try (Engine engine = Engine.start(model, config(profile), registry)) {
            assertThat(generate(engine, "first")).containsExactly(expected);
            assertThat(engine.stats().numCachedBlocks()).isPositive();
            CollectingListener second = new CollectingListener();
            engine.submit(GenerationRequest.of("second", EngineTest.longPrompt(70), greedy()), second);
            assertThat(second.await().numCachedPromptTokens()).isEqualTo(64);
            assertThat(second.tokenIds()).containsExactly(expected);
            CollectingListener third = new CollectingListener();
            engine.submit(GenerationRequest.of("third", EngineTest.longPrompt(70), greedy()), third);
            assertThat(third.await().numCachedPromptTokens()).as("prefix caching is off").isZero();
            assertThat(third.tokenIds()).containsExactly(expected);
            EngineStats stats = engine.stats();
            assertThat(stats.numPluginFailures()).isEqualTo(1);
            assertThat(stats.numPluginTimeouts()).isEqualTo(mode.equals("block") ? 1 : 0);
            assertThat(stats.numFreeBlocks()).as("retained blocks went back too").isEqualTo(stats.numBlocks());
            assertAllBlocksBack(engine);
        }
        assertThat(status(registry, PluginKind.PREFIX_INDEX, "test-faulty-prefix").state())
                .isEqualTo(mode.equals("block") ? PluginStatus.State.FAILED : PluginStatus.State.ACTIVE);
    }

    @Test
    void aPrefixIndexThatThrowsOnMatchFallsBackWithoutFailingTheRequest() throws Exception {
        CacheProfile profile = CacheProfile.defaults().withPrefixIndex(StrategyChoice.of("test-faulty-prefix",
                Map.of("mode", "throw", "call", "match", "after", 1)));
        try (Engine engine = Engine.start(model, config(profile))) {
            assertThat(generate(engine, "first")).containsExactly(expected);
            CollectingListener second = new CollectingListener();
            engine.submit(GenerationRequest.of("second", EngineTest.longPrompt(70), greedy()), second);
            assertThat(second.await().numCachedPromptTokens()).isZero();
            assertThat(second.tokenIds()).containsExactly(expected);
            assertThat(engine.stats().numFreeBlocks()).isEqualTo(engine.stats().numBlocks());
        }
    }

    @Test
    void aPluginThatIgnoresTheInterruptTakesTheEngineDownAndEveryRequestEndsWithAnError() throws Exception {
        FaultyPlugins.spinReleased = false;
        PluginRegistry registry = PluginRegistry.load();
        CacheProfile profile = CacheProfile.defaults().withScheduling(StrategyChoice.of("test-faulty-scheduling", Map.of("mode", "spin")));
        try (Engine engine = Engine.start(model, config(profile), registry)) {
            List<CollectingListener> listeners = submitThree(engine);
            for (CollectingListener listener : listeners) {
                assertThatThrownBy(listener::await).isInstanceOf(ExecutionException.class)
                        .cause().isInstanceOf(PluginTimeoutException.class).hasMessageContaining("nor after an interrupt");
            }
            assertThat(engine.isHealthy()).isFalse();
            assertThat(engine.stats().healthy()).isFalse();
            assertThat(engine.stats().finished(FinishReason.ERROR)).isEqualTo(3);
            assertThatThrownBy(() -> engine.submit(GenerationRequest.of("late", EngineTest.longPrompt(10), greedy()),
                    new CollectingListener())).isInstanceOf(IllegalStateException.class).hasMessageContaining("is down");
            assertThat(status(registry, PluginKind.SCHEDULING, "test-faulty-scheduling").state()).isEqualTo(PluginStatus.State.FAILED);
            FaultyPlugins.spinReleased = true;
        }
    }

    @Test
    void aCodecThatThrowsFailsOnlyTheRequestsOfItsStep() throws Exception {
        PluginRegistry registry = PluginRegistry.load();
        CacheProfile profile = CacheProfile.defaults().withCodec(StrategyChoice.of("test-faulty-codec"));
        try (Engine engine = Engine.start(model, config(profile).withMaxRunningRequests(1), registry)) {
            FaultyPlugins.CODEC_WRITES_TO_FAIL.set(1);
            CollectingListener touched = new CollectingListener();
            CollectingListener waiting = new CollectingListener();
            engine.submit(GenerationRequest.of("touched", EngineTest.longPrompt(70), greedy()), touched);
            engine.submit(GenerationRequest.of("waiting", EngineTest.longPrompt(70), greedy()), waiting);
            assertThatThrownBy(touched::await).isInstanceOf(ExecutionException.class)
                    .hasRootCauseMessage("faulty codec: deliberate write failure");
            GenerationResult result = waiting.await();
            assertThat(result.finishReason()).isEqualTo(FinishReason.LENGTH);
            assertThat(waiting.tokenIds()).containsExactly(expected);
            assertThat(engine.stats().numFailedSteps()).isEqualTo(1);
            assertThat(engine.stats().numPluginFailures()).isEqualTo(1);
            assertAllBlocksBack(engine);
        }
        assertThat(status(registry, PluginKind.KV_CODEC, "test-faulty-codec").numStepFailures()).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"preemption-throw", "tier-throw", "tier-block"})
    void aFailingPreemptionPolicyOrTierFallsBackToRecomputeWithTheSameTokens(String fault) throws Exception {
        String mode = fault.substring(fault.indexOf('-') + 1);
        boolean tierFails = fault.startsWith("tier");
        CacheProfile profile = CacheProfile.defaults().withPrefixIndex(StrategyChoice.of("none"))
                .withPreemption(tierFails ? StrategyChoice.of("swap", Map.of("min_computed_tokens", 0))
                        : StrategyChoice.of("test-faulty-preemption", Map.of("mode", mode)))
                .withOffloadTier(tierFails ? StrategyChoice.of("test-faulty-tier", Map.of("mode", mode, "after", 2))
                        : StrategyChoice.of("host", Map.of("capacity_bytes", 16L << 20)));
        int[] prompt = EngineTest.longPrompt(60);
        SamplingParams longer = SamplingParams.builder().temperature(0).maxTokens(60).ignoreEos(true).build();
        int[] reference;
        try (Engine engine = Engine.start(model, config(CacheProfile.defaults()))) {
            CollectingListener listener = new CollectingListener();
            engine.submit(GenerationRequest.of("ref", prompt, longer), listener);
            listener.await();
            reference = listener.tokenIds();
        }
        long blockBytes = model.kvBytesPerToken() * 16;
        // 10 blocks: three sequences of 120 tokens need 24, so the scheduler must preempt.
        EngineConfig tight = config(profile).withMaxContextTokens(128).withKvCacheBytes(blockBytes * 10);
        try (Engine engine = Engine.start(model, tight)) {
            List<CollectingListener> listeners = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                CollectingListener listener = new CollectingListener();
                engine.submit(GenerationRequest.of("p" + i, prompt, longer), listener);
                listeners.add(listener);
            }
            for (CollectingListener listener : listeners) {
                assertThat(listener.await().finishReason()).isEqualTo(FinishReason.LENGTH);
                assertThat(listener.tokenIds()).containsExactly(reference);
            }
            EngineStats stats = engine.stats();
            assertThat(stats.numPreemptions()).isPositive();
            assertThat(stats.numPluginFailures()).isPositive();
            assertThat(stats.numPluginTimeouts()).isEqualTo(mode.equals("block") ? 1 : 0);
            assertAllBlocksBack(engine);
        }
    }
}
