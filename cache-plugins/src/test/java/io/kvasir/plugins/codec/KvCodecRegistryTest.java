package io.kvasir.plugins.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

import org.junit.jupiter.api.Test;

import io.kvasir.api.plugin.ConfigField;
import io.kvasir.api.plugin.InvalidConfigException;
import io.kvasir.api.plugin.KvCodec;
import io.kvasir.api.plugin.KvCodecProvider;

class KvCodecRegistryTest {

    private static List<KvCodecProvider> providers() {
        List<KvCodecProvider> providers = new ArrayList<>();
        ServiceLoader.load(KvCodecProvider.class).forEach(providers::add);
        return providers;
    }

    private static KvCodecProvider provider(String name) {
        return providers().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void serviceLoaderFindsTheFiveCodecsWithUniqueNames() {
        List<String> names = providers().stream().map(KvCodecProvider::name).toList();
        assertThat(names).containsExactlyInAnyOrder("f32", "f16", "int8", "fp8-e4m3", "int4-kivi");
        assertThat(names).doesNotHaveDuplicates();
        assertThat(names).allMatch(n -> n.matches("[a-z0-9][a-z0-9-]*"));
    }

    @Test
    void everyProviderCreatesACodecNamedLikeItFromTheDefaults() {
        for (KvCodecProvider provider : providers()) {
            KvCodec codec = provider.create(provider.configSchema().validate(Map.of()));
            assertThat(codec.name()).isEqualTo(provider.name());
            assertThat(provider.description()).isNotBlank();
            assertThat(codec.layout(16, 128).bytesPerHeadBlock()).isPositive();
        }
    }

    @Test
    void codecsWithoutConfigurationRejectEveryKey() {
        for (String name : List.of("f32", "f16", "int8", "fp8-e4m3")) {
            assertThat(provider(name).configSchema().fields()).isEmpty();
            assertThatThrownBy(() -> provider(name).configSchema().validate(Map.of("group_size", 32)))
                    .isInstanceOf(InvalidConfigException.class)
                    .hasMessageContaining("group_size: unknown field");
        }
    }

    @Test
    void kiviValueGroupSizeDefaultsToTheWholeVector() {
        ConfigField field = provider("int4-kivi").configSchema().fields().getFirst();
        assertThat(field.name()).isEqualTo("value_group_size");
        assertThat(field.defaultValue()).isEqualTo(0);
        assertThat(field.unit()).isEqualTo("channels");
        assertThat(provider("int4-kivi").configSchema().validate(Map.of()).getInt("value_group_size")).isZero();
    }

    @Test
    void kiviRejectsValueGroupSizesThatAreNotMultiplesOf32() {
        KvCodecProvider kivi = provider("int4-kivi");
        assertThatThrownBy(() -> kivi.create(kivi.configSchema().validate(Map.of("value_group_size", 48))))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("value_group_size: must be 0 or a multiple of 32, got 48");
        assertThatThrownBy(() -> kivi.configSchema().validate(Map.of("value_group_size", -32)))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("value_group_size");
        assertThatThrownBy(() -> kivi.configSchema().validate(Map.of("value_group_size", "many")))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("expected a number");
        assertThat(kivi.create(kivi.configSchema().validate(Map.of("value_group_size", "64"))).name())
                .isEqualTo("int4-kivi");
    }

    @Test
    void layoutsRejectShapesOutsideTheirRangeNamingTheParameter() {
        for (KvCodecProvider provider : providers()) {
            KvCodec codec = provider.create(provider.configSchema().validate(Map.of()));
            assertThatThrownBy(() -> codec.layout(0, 64)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("blockSize");
            assertThatThrownBy(() -> codec.layout(16, -1)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("headDim");
            assertThatThrownBy(() -> codec.layout(16, 100_000)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("headDim");
        }
    }
}
