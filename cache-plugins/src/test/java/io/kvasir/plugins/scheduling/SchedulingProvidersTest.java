package io.kvasir.plugins.scheduling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

import org.junit.jupiter.api.Test;

import io.kvasir.api.plugin.ConfigField;
import io.kvasir.api.plugin.InvalidConfigException;
import io.kvasir.api.plugin.PluginKind;
import io.kvasir.api.plugin.SchedulingPolicy;
import io.kvasir.api.plugin.SchedulingPolicyProvider;

class SchedulingProvidersTest {

    private static SchedulingPolicyProvider provider(String name) {
        for (SchedulingPolicyProvider provider : ServiceLoader.load(SchedulingPolicyProvider.class)) {
            if (provider.name().equals(name)) {
                return provider;
            }
        }
        throw new AssertionError("no scheduling provider " + name);
    }

    private static SchedulingPolicy create(String name, Map<String, ?> raw) {
        SchedulingPolicyProvider provider = provider(name);
        return provider.create(provider.configSchema().validate(raw));
    }

    @Test
    void serviceLoaderFindsAllFivePolicies() {
        List<String> names = new ArrayList<>();
        for (SchedulingPolicyProvider provider : ServiceLoader.load(SchedulingPolicyProvider.class)) {
            names.add(provider.name());
            assertThat(provider.description()).isNotBlank();
        }
        assertThat(names).containsExactlyInAnyOrder("fcfs", "priority", "lpm", "vtc", "vtc-kv");
        assertThat(PluginKind.SCHEDULING.providerType()).isEqualTo(SchedulingPolicyProvider.class);
    }

    @Test
    void everyPolicyIsCreatedFromDefaultsAndPicksFromAOneRequestQueue() {
        for (String name : List.of("fcfs", "priority", "lpm", "vtc", "vtc-kv")) {
            SchedulingPolicy policy = create(name, Map.of());
            TestRequest only = TestRequest.of("r1", "t1");
            policy.onArrival(only, 0);
            assertThat(policy.pickNext(List.of(only), 0)).as(name).isZero();
        }
    }

    @Test
    void defaultsAreDocumentedValues() {
        assertThat(provider("lpm").configSchema().validate(Map.of()).getInt("max_skips")).isEqualTo(32);
        var vtcKv = provider("vtc-kv").configSchema().validate(Map.of());
        assertThat(vtcKv.getDouble("input_weight")).isEqualTo(1.0);
        assertThat(vtcKv.getDouble("output_weight")).isEqualTo(2.0);
        assertThat(vtcKv.getDouble("kv_weight")).isEqualTo(KvAwareVtcPolicyProvider.DEFAULT_KV_WEIGHT);
        assertThat(provider("vtc").configSchema().fields()).extracting(ConfigField::name)
                .containsExactly("input_weight", "output_weight");
        List<ConfigField> fields = new ArrayList<>(provider("vtc-kv").configSchema().fields());
        fields.addAll(provider("lpm").configSchema().fields());
        for (ConfigField field : fields) {
            assertThat(field.defaultValue()).as(field.name()).isNotNull();
            assertThat(field.unit()).as(field.name()).isNotBlank();
            assertThat(field.help()).as(field.name()).isNotBlank();
        }
    }

    @Test
    void fcfsAndPriorityRejectAnyKey() {
        assertThatThrownBy(() -> create("fcfs", Map.of("max_skips", 3))).isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("max_skips: unknown field");
        assertThatThrownBy(() -> create("priority", Map.of("x", 1))).isInstanceOf(InvalidConfigException.class);
    }

    @Test
    void lpmRejectsMaxSkipsBelowOneAndNonIntegers() {
        assertThatThrownBy(() -> create("lpm", Map.of("max_skips", 0))).isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("max_skips: must be in [1, 1000000]");
        assertThatThrownBy(() -> create("lpm", Map.of("max_skips", 2.5))).isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("max_skips: expected a whole number");
        assertThatThrownBy(() -> create("lpm", Map.of("max_skips", "many"))).isInstanceOf(InvalidConfigException.class);
        assertThat(create("lpm", Map.of("max_skips", "4"))).isNotNull();
    }

    @Test
    void vtcRejectsNegativeAndUnknownWeights() {
        InvalidConfigException e = catchThrowableOfType(InvalidConfigException.class,
                () -> create("vtc", Map.of("input_weight", -1, "output_weight", "heavy", "kv_weight", 1)));
        assertThat(e.problems()).hasSize(3);
        assertThat(String.join("\n", e.problems())).contains("input_weight: must be in [0, 1000000]")
                .contains("output_weight: expected a number").contains("kv_weight: unknown field");
    }

    @Test
    void vtcRejectsAllWeightsZeroSinceNoServiceWouldBeCounted() {
        assertThatThrownBy(() -> create("vtc", Map.of("input_weight", 0, "output_weight", 0)))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("input_weight, output_weight: all 0");
        assertThatThrownBy(() -> create("vtc-kv", Map.of("input_weight", 0, "output_weight", 0, "kv_weight", 0)))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("input_weight, output_weight, kv_weight: all 0");
        assertThat(create("vtc-kv", Map.of("input_weight", 0, "output_weight", 0, "kv_weight", 1))).isNotNull();
        assertThat(create("vtc", Map.of("input_weight", 0))).isNotNull();
    }
}
