package io.kvasir.plugins.preemption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.kvasir.api.plugin.InvalidConfigException;
import io.kvasir.api.plugin.PreemptionPolicy;
import io.kvasir.api.plugin.PreemptionPolicy.Mode;
import io.kvasir.api.plugin.PreemptionPolicyProvider;
import io.kvasir.plugins.preemption.swap.SwapPreemptionPolicy;
import io.kvasir.plugins.preemption.swap.SwapPreemptionPolicyProvider;

class PreemptionPoliciesTest {

    private static Map<String, PreemptionPolicyProvider> registered() {
        return ServiceLoader.load(PreemptionPolicyProvider.class).stream().map(ServiceLoader.Provider::get)
                .collect(Collectors.toMap(PreemptionPolicyProvider::name, p -> p));
    }

    private static PreemptionPolicy create(String name, Map<String, ?> config) {
        PreemptionPolicyProvider provider = registered().get(name);
        return provider.create(provider.configSchema().validate(config));
    }

    @Test
    void recomputeAndSwapAreRegistered() {
        assertThat(registered()).containsKeys("recompute", "swap");
        assertThat(registered().values()).allSatisfy(p -> assertThat(p.description()).isNotBlank());
    }

    @Test
    void recomputeAlwaysRecomputes() {
        PreemptionPolicy policy = create("recompute", Map.of());
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < 1000; i++) {
            assertThat(policy.choose(random.nextInt(10_000), random.nextLong(1L << 24), random.nextInt(1 << 20)))
                    .isEqualTo(Mode.RECOMPUTE);
        }
    }

    @Test
    void swapRecomputesPromptsShorterThanTheThreshold() {
        PreemptionPolicy policy = create("swap", Map.of());
        int threshold = SwapPreemptionPolicyProvider.DEFAULT_MIN_COMPUTED_TOKENS;

        assertThat(policy.choose(16, 1 << 20, threshold - 1)).isEqualTo(Mode.RECOMPUTE);
        assertThat(policy.choose(16, 1 << 20, threshold)).isEqualTo(Mode.SWAP);
        assertThat(policy.choose(1000, 1 << 20, 100_000)).as("no byte limit by default").isEqualTo(Mode.SWAP);
    }

    @Test
    void swapRecomputesRequestsHoldingMoreThanTheByteLimit() {
        PreemptionPolicy policy = create("swap", Map.of("min_computed_tokens", 0, "max_swap_bytes", 10L << 20));

        assertThat(policy.choose(10, 1 << 20, 1)).isEqualTo(Mode.SWAP);
        assertThat(policy.choose(11, 1 << 20, 1)).isEqualTo(Mode.RECOMPUTE);
        assertThat(policy.choose(Integer.MAX_VALUE, Long.MAX_VALUE, 1)).as("no overflow").isEqualTo(Mode.RECOMPUTE);
    }

    @Test
    void swapRecomputesARequestWithNothingToSwap() {
        assertThat(new SwapPreemptionPolicy(0, 0).choose(0, 1 << 20, 500)).isEqualTo(Mode.RECOMPUTE);
    }

    @Test
    void swapMatchesItsRuleOnRandomInputs() {
        SplittableRandom random = new SplittableRandom(2);
        for (int i = 0; i < 2000; i++) {
            int minTokens = random.nextInt(1000);
            long maxBytes = random.nextBoolean() ? 0 : random.nextLong(1L << 34);
            PreemptionPolicy policy = new SwapPreemptionPolicy(minTokens, maxBytes);
            int numBlocks = random.nextInt(5000);
            long bytesPerBlock = 1 + random.nextLong(1L << 22);
            int numComputedTokens = random.nextInt(4000);
            boolean swap = numBlocks > 0 && numComputedTokens >= minTokens
                    && (maxBytes == 0 || (double) numBlocks * bytesPerBlock <= maxBytes);
            assertThat(policy.choose(numBlocks, bytesPerBlock, numComputedTokens)).as("case %d", i)
                    .isEqualTo(swap ? Mode.SWAP : Mode.RECOMPUTE);
        }
    }

    @Test
    void rejectsNegativeSettingsAndArguments() {
        assertThatThrownBy(() -> create("swap", Map.of("min_computed_tokens", -1))).isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("min_computed_tokens");
        assertThatThrownBy(() -> new SwapPreemptionPolicy(0, -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxSwapBytes");
        assertThatThrownBy(() -> new SwapPreemptionPolicy(0, 0).choose(-1, 1, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("numBlocks");
    }
}
