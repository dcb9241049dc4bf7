package io.kvasir.plugins.prefix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

import org.junit.jupiter.api.Test;

import io.kvasir.api.plugin.ConfigField;
import io.kvasir.api.plugin.InvalidConfigException;
import io.kvasir.api.plugin.PrefixIndexProvider;
import io.kvasir.plugins.prefix.radix.RadixPrefixIndexProvider;
import io.kvasir.plugins.prefix.radix.internal.EvictionOrder;
import io.kvasir.plugins.prefix.radix.internal.RadixPrefixIndex;

class PrefixIndexProvidersTest {

    @Test
    void bothIndexesAreRegisteredAsServices() {
        List<String> names = ServiceLoader.load(PrefixIndexProvider.class).stream().map(p -> p.get().name()).toList();
        assertThat(names).contains("hash", "radix");
    }

    @Test
    void hashNeedsNoConfiguration() {
        PrefixIndexProvider hash = provider("hash");
        assertThat(hash.configSchema().fields()).isEmpty();
        assertThat(hash.create(hash.configSchema().validate(Map.of()))).isNotNull();
    }

    @Test
    void radixEvictsByLruUnlessConfigured() {
        PrefixIndexProvider radix = provider("radix");
        ConfigField eviction = radix.configSchema().fields().getFirst();
        assertThat(eviction.name()).isEqualTo("eviction");
        assertThat(eviction.allowedValues()).containsExactly("lru", "lfu");
        RadixPrefixIndex byDefault = (RadixPrefixIndex) radix.create(radix.configSchema().validate(Map.of()));
        assertThat(byDefault.order()).isEqualTo(EvictionOrder.LRU);
        RadixPrefixIndex lfu = (RadixPrefixIndex) radix.create(radix.configSchema().validate(Map.of("eviction", "lfu")));
        assertThat(lfu.order()).isEqualTo(EvictionOrder.LFU);
    }

    @Test
    void radixRejectsAnUnknownEvictionOrder() {
        RadixPrefixIndexProvider radix = new RadixPrefixIndexProvider();
        assertThatThrownBy(() -> radix.configSchema().validate(Map.of("eviction", "mru")))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("lru").hasMessageContaining("lfu");
        assertThatThrownBy(() -> EvictionOrder.byName("fifo"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("known: lru, lfu");
    }

    private static PrefixIndexProvider provider(String name) {
        return ServiceLoader.load(PrefixIndexProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.name().equals(name)).findFirst().orElseThrow();
    }
}
