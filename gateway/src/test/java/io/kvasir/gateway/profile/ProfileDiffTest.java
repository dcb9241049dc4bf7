package io.kvasir.gateway.profile;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvasir.engine.loop.StrategyChoice;
import io.kvasir.gateway.profile.ProfileDiff.Change;
import io.kvasir.gateway.profile.ProfileDiff.Effect;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What changes between two profiles, and which changes need a new engine instance. */
class ProfileDiffTest {

    private static final ModelProfile BASE = ModelProfile.builder("tiny.gguf").maxBatchTokens(512).maxRunningRequests(32).build();

    @Test
    void theSameProfileChangesNothing() {
        ProfileDiff diff = ProfileDiff.between(BASE, BASE.toBuilder().build());
        assertThat(diff.isEmpty()).isTrue();
        assertThat(diff.needsDrain()).isFalse();
    }

    @Test
    void aCodecChangeNeedsADrainAndSaysWhy() {
        ModelProfile int8 = BASE.toBuilder().plugin(PluginSlot.CODEC, StrategyChoice.of("int8")).build();
        ProfileDiff diff = ProfileDiff.between(BASE, int8);
        assertThat(diff.changes()).containsExactly(new Change("plugins.codec", StrategyChoice.of("f32"), StrategyChoice.of("int8"),
                Effect.DRAIN, "reshapes the KV pool (bytes per block)"));
        assertThat(diff.needsDrain()).isTrue();
    }

    @Test
    void policiesThatShapeNoKvPoolChangeLiveAndConfigurationChangesAreListedPerKey() {
        ModelProfile streaming = BASE.toBuilder().plugin(PluginSlot.PREFIX_INDEX, StrategyChoice.of("none"))
                .plugin(PluginSlot.EVICTION, StrategyChoice.of("streaming", Map.of("budget_tokens", 256, "sink_tokens", 4))).build();
        ModelProfile tighter = streaming.toBuilder()
                .plugin(PluginSlot.EVICTION, StrategyChoice.of("streaming", Map.of("budget_tokens", 128, "sink_tokens", 4)))
                .plugin(PluginSlot.SCHEDULING, StrategyChoice.of("vtc")).plugin(PluginSlot.PREEMPTION, StrategyChoice.of("swap"))
                .maxWaitingRequests(10).build();
        ProfileDiff diff = ProfileDiff.between(streaming, tighter);
        assertThat(diff.changes()).extracting(Change::field, Change::before, Change::after, Change::effect).containsExactly(
                org.assertj.core.groups.Tuple.tuple("plugins.eviction.config.budget_tokens", 256, 128, Effect.LIVE),
                org.assertj.core.groups.Tuple.tuple("plugins.preemption", StrategyChoice.of("recompute"), StrategyChoice.of("swap"), Effect.LIVE),
                org.assertj.core.groups.Tuple.tuple("plugins.scheduling", StrategyChoice.of("fcfs"), StrategyChoice.of("vtc"), Effect.LIVE),
                org.assertj.core.groups.Tuple.tuple("maxWaitingRequests", 256L, 10L, Effect.LIVE));
        assertThat(diff.needsDrain()).isFalse();
    }

    @Test
    void everyChangeThatShapesTheInstanceNeedsADrain() {
        ModelProfile other = BASE.toBuilder().modelFile("other.gguf").kvCacheBytes(1 << 20).blockSize(32).threads(1)
                .contextLength(128).plugin(PluginSlot.PREFIX_INDEX, StrategyChoice.of("radix"))
                .plugin(PluginSlot.OFFLOAD_TIER, StrategyChoice.of("host")).build();
        ProfileDiff diff = ProfileDiff.between(BASE, other);
        assertThat(diff.changes()).extracting(Change::field).containsExactly("modelFile", "plugins.prefixIndex",
                "plugins.offloadTier", "kvCacheBytes", "blockSize", "threads", "contextLength");
        assertThat(diff.changes()).allSatisfy(c -> assertThat(c.effect()).isEqualTo(Effect.DRAIN));
    }

    @Test
    void batchingLimitsChangeLiveWithinWhatTheInstanceStartedWith() {
        ModelProfile lowered = BASE.toBuilder().maxBatchTokens(128).maxRunningRequests(8).build();
        assertThat(ProfileDiff.between(BASE, lowered).changes()).extracting(Change::effect).containsOnly(Effect.LIVE);
        // Raising them back to what the instance started with needs no new instance...
        assertThat(ProfileDiff.between(lowered, BASE, BASE).needsDrain()).isFalse();
        // ...but raising past it does: the step buffers were sized at start.
        ProfileDiff raised = ProfileDiff.between(lowered, BASE.toBuilder().maxBatchTokens(1024).build(), BASE);
        assertThat(raised.changes()).extracting(Change::field, Change::effect).containsExactly(
                org.assertj.core.groups.Tuple.tuple("maxBatchTokens", Effect.DRAIN),
                org.assertj.core.groups.Tuple.tuple("maxRunningRequests", Effect.DRAIN));
        assertThat(raised.changes().getFirst().reason()).contains("512 tokens, 32 requests");
    }
}
