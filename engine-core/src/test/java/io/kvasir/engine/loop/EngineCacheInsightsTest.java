package io.kvasir.engine.loop;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.kvasir.api.GenerationRequest;
import io.kvasir.api.GenerationResult;
import io.kvasir.engine.model.LoadedModel;
import io.kvasir.engine.sched.SharedPrefix;
import io.kvasir.engine.testing.CollectingListener;
import io.kvasir.engine.testing.SharedFiles;

/** What the engine tells an operator about its cache: per-request KV figures, shared prefixes, tier bytes. */
class EngineCacheInsightsTest {

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

    private static GenerationResult run(Engine engine, GenerationRequest request) throws Exception {
        CollectingListener listener = new CollectingListener();
        engine.submit(request, listener);
        return listener.await();
    }

    @Test
    void aResultCountsTheBlocksTheRequestHeldAndNothingEvictedWithoutEviction() throws Exception {
        EngineConfig noPrefixCache = EngineTest.config()
                .withCacheProfile(CacheProfile.defaults().withPrefixIndex(StrategyChoice.of("none")));
        try (Engine engine = Engine.start(model, noPrefixCache)) {
            GenerationResult result = run(engine, GenerationRequest.of("plain", EngineTest.longPrompt(40), EngineTest.greedy(100)));
            // 40 prompt tokens and 99 generated ones have their KV computed (the last sampled token never does).
            assertThat(result.numBlocksHeld()).isEqualTo((40 + 99 + 15) / 16);
            assertThat(result.numEvictedTokens()).isZero();
            assertThat(engine.stats().numBlocksHeldByRequests()).isZero();
        }
    }

    @Test
    void aResultCountsThePositionsEvictionDroppedAndTheBlocksItKept() throws Exception {
        EngineConfig evicting = EngineTest.config().withCacheProfile(CacheProfile.defaults()
                .withPrefixIndex(StrategyChoice.of("none"))
                .withEviction(StrategyChoice.of("streaming", Map.of("budget_tokens", 48, "evict_chunk", 16))));
        try (Engine engine = Engine.start(model, evicting)) {
            GenerationResult result = run(engine, GenerationRequest.of("long", EngineTest.longPrompt(40), EngineTest.greedy(300)));
            int computed = 40 + 299;
            // The cache ends with at most budget + chunk slots; everything else was dropped.
            assertThat(result.numEvictedTokens()).isBetween(computed - (48 + 16), computed - 48);
            assertThat(result.numBlocksHeld()).isBetween(3, (48 + 16) / 16 + 1);
        }
    }

    @Test
    void requestsReusingACachedPrefixAreCountedPerPrefixAndGroup() throws Exception {
        int[] prompt = EngineTest.longPrompt(70);
        int[] other = EngineTest.longPrompt(40);
        other[1] = 300;
        try (Engine engine = Engine.start(model, EngineTest.config())) {
            assertThat(engine.sharedPrefixes(10)).isEmpty();
            for (int i = 0; i < 3; i++) {
                run(engine, GenerationRequest.of("a" + i, prompt, EngineTest.greedy(4)));
            }
            for (int i = 0; i < 2; i++) {
                run(engine, new GenerationRequest("b" + i, "tenant-b", other, EngineTest.greedy(4), 0));
            }
            assertThat(engine.sharedPrefixes(10)).containsExactly(
                    new SharedPrefix(4, 64, 2, GenerationRequest.DEFAULT_TENANT),
                    new SharedPrefix(2, 32, 1, "tenant-b"));
            assertThat(engine.sharedPrefixes(1)).hasSize(1);
        }
        EngineConfig noPrefixCache = EngineTest.config()
                .withCacheProfile(CacheProfile.defaults().withPrefixIndex(StrategyChoice.of("none")));
        try (Engine engine = Engine.start(model, noPrefixCache)) {
            run(engine, GenerationRequest.of("x", prompt, EngineTest.greedy(4)));
            run(engine, GenerationRequest.of("y", prompt, EngineTest.greedy(4)));
            assertThat(engine.sharedPrefixes(10)).isEmpty();
        }
    }

    @Test
    void theOffloadTiersBytesAreReported() throws Exception {
        try (Engine engine = Engine.start(model, EngineTest.config())) {
            assertThat(engine.offloadTierUsedBytes()).isZero();
            assertThat(engine.offloadTierCapacityBytes()).isZero();
            assertThat(engine.kvBytesPerBlock() * engine.stats().numBlocks()).isEqualTo(engine.kvMemoryBytes());
        }
        long blockBytes = (long) (model.kvBytesPerToken() * 16);
        EngineConfig small = EngineTest.config().withMaxContextTokens(192).withKvCacheBytes(blockBytes * 12)
                .withCacheProfile(CacheProfile.defaults().withOffloadTier(StrategyChoice.of("host", Map.of("capacity_bytes", 16L << 20))));
        Engine engine = Engine.start(model, small);
        try {
            run(engine, GenerationRequest.of("a", EngineTest.longPrompt(70), EngineTest.greedy(4)));
            int[] filler = new int[188];
            Arrays.fill(filler, 300);
            filler[0] = 1;
            run(engine, GenerationRequest.of("b", filler, EngineTest.greedy(4)));
            // The first prompt's cached blocks were given up for the second one and spilled to the tier.
            assertThat(engine.offloadTierUsedBytes()).isPositive().isLessThanOrEqualTo(16L << 20)
                    .isEqualTo(engine.offloadTierUsedBytes() / blockBytes * blockBytes);
            assertThat(engine.offloadTierCapacityBytes()).isEqualTo(16L << 20);
        } finally {
            engine.close();
        }
        assertThat(engine.offloadTierUsedBytes()).isZero();
    }
}
