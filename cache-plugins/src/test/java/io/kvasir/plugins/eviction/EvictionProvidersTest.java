package io.kvasir.plugins.eviction;

import static io.kvasir.plugins.eviction.EvictionFixtures.kept;
import static io.kvasir.plugins.eviction.EvictionFixtures.policy;
import static io.kvasir.plugins.eviction.EvictionFixtures.range;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

import io.kvasir.api.plugin.ConfigField;
import io.kvasir.api.plugin.EvictionPolicy;
import io.kvasir.api.plugin.EvictionPolicy.AttentionStats;
import io.kvasir.api.plugin.EvictionPolicyProvider;
import io.kvasir.api.plugin.InvalidConfigException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class EvictionProvidersTest {

    static List<EvictionPolicyProvider> budgetedProviders() {
        return List.of(new StreamingLlmProvider(), new HeavyHitterProvider(), new SnapKvProvider());
    }

    @Test
    void theServiceLoaderFindsEveryPolicyByItsStableName() {
        List<String> names = ServiceLoader.load(EvictionPolicyProvider.class).stream()
                .map(ServiceLoader.Provider::get)
                .map(EvictionPolicyProvider::name)
                .toList();

        assertThat(names).contains("none", "streaming", "h2o", "snapkv");
    }

    @Test
    void noneKeepsEverySlotWhateverTheCache() {
        EvictionPolicy none = policy(new NoEvictionProvider());

        assertThat(new NoEvictionProvider().configSchema().fields()).isEmpty();
        assertThat(none.attentionStats()).isEqualTo(AttentionStats.NONE);
        assertThat(kept(none, new float[0], true)).isEmpty();
        assertThat(kept(none, new float[100_000], false)).containsExactly(range(0, 100_000));
    }

    @ParameterizedTest
    @MethodSource("budgetedProviders")
    void everyBudgetedPolicySharesTheBudgetFieldsAndDefaults(EvictionPolicyProvider provider) {
        List<ConfigField> fields = provider.configSchema().fields();

        assertThat(fields.subList(0, 3)).extracting(ConfigField::name)
                .containsExactly("budget_tokens", "budget_fraction", "evict_chunk");
        assertThat(fields.subList(0, 3)).extracting(ConfigField::defaultValue).containsExactly(0, 0.5, 16);
        assertThat(fields).allSatisfy(field -> {
            assertThat(field.defaultValue()).isNotNull();
            assertThat(field.help()).isNotBlank();
        });
        assertThat(provider.description()).isNotBlank();
        assertThat(provider.name()).matches("[a-z0-9]+");
    }

    @ParameterizedTest
    @MethodSource("budgetedProviders")
    void aZeroOrNegativeOrAboveOneBudgetFractionIsRefused(EvictionPolicyProvider provider) {
        for (Object fraction : List.of(0.0, 0, "0", -0.5, 1.5, 1e-9)) {
            assertThatThrownBy(() -> policy(provider, "budget_fraction", fraction))
                    .as("budget_fraction %s", fraction)
                    .isInstanceOf(InvalidConfigException.class)
                    .hasMessageContaining("budget_fraction");
        }
    }

    @ParameterizedTest
    @MethodSource("budgetedProviders")
    void negativeBudgetsAndChunksAndUnknownFieldsAreRefused(EvictionPolicyProvider provider) {
        assertThatThrownBy(() -> policy(provider, "budget_tokens", -1)).hasMessageContaining("budget_tokens");
        assertThatThrownBy(() -> policy(provider, "evict_chunk", -1)).hasMessageContaining("evict_chunk");
        assertThatThrownBy(() -> policy(provider, "budget", 10)).hasMessageContaining("unknown field");
    }

    @Test
    void evenOrOutOfRangeKernelSizesAreRefused() {
        SnapKvProvider snapKv = new SnapKvProvider();
        for (int kernelSize : new int[] {0, 2, 6, 64, 65, -1}) {
            assertThatThrownBy(() -> policy(snapKv, "kernel_size", kernelSize))
                    .as("kernel_size %d", kernelSize)
                    .isInstanceOf(InvalidConfigException.class)
                    .hasMessageContaining("kernel_size");
        }
    }

    @Test
    void policySpecificFieldsAreRangeChecked() {
        assertThatThrownBy(() -> policy(new SnapKvProvider(), "window", 0)).hasMessageContaining("window");
        assertThatThrownBy(() -> policy(new SnapKvProvider(), "pooling", "median")).hasMessageContaining("pooling");
        assertThatThrownBy(() -> policy(new HeavyHitterProvider(), "recent_fraction", 1.01)).hasMessageContaining("recent_fraction");
        assertThatThrownBy(() -> policy(new HeavyHitterProvider(), "recent_fraction", -0.1)).hasMessageContaining("recent_fraction");
        assertThatThrownBy(() -> policy(new StreamingLlmProvider(), "sink_tokens", -1)).hasMessageContaining("sink_tokens");
    }

    @Test
    void configurationFromStringsIsAccepted() {
        EvictionPolicyProvider provider = new SnapKvProvider();
        EvictionPolicy snapKv = provider.create(provider.configSchema().validate(
                Map.of("budget_tokens", "12", "window", "4", "kernel_size", "5", "pooling", "max")));

        assertThat(snapKv.observationWindow()).isEqualTo(4);
        assertThat(kept(snapKv, new float[100], true)).hasSize(12);
    }

    @Test
    void selectRefusesArraysShorterThanTheCache() {
        EvictionPolicy h2o = policy(new HeavyHitterProvider(), "budget_tokens", 4);

        assertThatThrownBy(() -> h2o.select(10, new int[9], new float[10], false, new int[10]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("slotPositions");
        assertThatThrownBy(() -> h2o.select(10, range(0, 10), new float[3], false, new int[10]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("slotScores");
        assertThatThrownBy(() -> h2o.select(10, range(0, 10), new float[10], false, new int[2]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("keep");
        assertThatThrownBy(() -> h2o.select(-1, new int[0], new float[0], false, new int[0]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("numSlots");
    }
}
