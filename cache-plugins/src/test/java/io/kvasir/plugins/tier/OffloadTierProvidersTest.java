package io.kvasir.plugins.tier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.kvasir.api.plugin.ConfigField;
import io.kvasir.api.plugin.InvalidConfigException;
import io.kvasir.api.plugin.OffloadTier;
import io.kvasir.api.plugin.OffloadTierProvider;
import io.kvasir.plugins.tier.disk.DiskOffloadTierProvider;
import io.kvasir.plugins.tier.host.HostOffloadTierProvider;

class OffloadTierProvidersTest {

    private static Map<String, OffloadTierProvider> registered() {
        return ServiceLoader.load(OffloadTierProvider.class).stream().map(ServiceLoader.Provider::get)
                .collect(Collectors.toMap(OffloadTierProvider::name, p -> p));
    }

    @Test
    void hostAndDiskAreRegistered() {
        Map<String, OffloadTierProvider> providers = registered();

        assertThat(providers).containsKeys("host", "disk");
        assertThat(providers.get("host")).isInstanceOf(HostOffloadTierProvider.class);
        assertThat(providers.get("disk")).isInstanceOf(DiskOffloadTierProvider.class);
    }

    @Test
    void capacityIsABoundedByteCountWithADefault() {
        for (OffloadTierProvider provider : registered().values()) {
            ConfigField capacity = provider.configSchema().fields().stream()
                    .filter(f -> f.name().equals("capacity_bytes")).findFirst().orElseThrow();
            assertThat(capacity.type()).isEqualTo(ConfigField.Type.LONG);
            assertThat(capacity.unit()).isEqualTo("bytes");
            assertThat(capacity.min()).isEqualTo(1.0);
            assertThat(capacity.defaultValue()).isNotNull();
            assertThat(provider.description()).isNotBlank();
        }
    }

    @Test
    void createsWorkingTiersFromDefaults() {
        try (Arena arena = Arena.ofConfined()) {
            for (OffloadTierProvider provider : registered().values()) {
                try (OffloadTier tier = provider.create(provider.configSchema().validate(Map.of()))) {
                    MemorySegment data = arena.allocate(4096).fill((byte) 7);
                    assertThat(tier.put(1, data)).as(provider.name()).isTrue();
                    MemorySegment back = arena.allocate(4096);
                    assertThat(tier.get(1, back)).isTrue();
                    assertThat(back.mismatch(data)).isEqualTo(-1);
                    assertThat(tier.usedBytes()).isEqualTo(4096);
                }
            }
        }
    }

    @Test
    void hostCapacityComesFromConfig() {
        HostOffloadTierProvider provider = new HostOffloadTierProvider();

        try (OffloadTier tier = provider.create(provider.configSchema().validate(Map.of("capacity_bytes", 12345)))) {
            assertThat(tier.capacityBytes()).isEqualTo(12345);
        }
        try (OffloadTier tier = provider.create(provider.configSchema().validate(Map.of()))) {
            assertThat(tier.capacityBytes()).isEqualTo(HostOffloadTierProvider.DEFAULT_CAPACITY_BYTES);
        }
    }

    @Test
    void rejectsACapacityOutOfRange() {
        for (OffloadTierProvider provider : registered().values()) {
            assertThatThrownBy(() -> provider.configSchema().validate(Map.of("capacity_bytes", 0)))
                    .isInstanceOf(InvalidConfigException.class).hasMessageContaining("capacity_bytes");
        }
    }
}
