package io.kvasir.gateway.engine;

import io.kvasir.engine.plugin.PluginRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the plugin registry and the model catalog. */
@Configuration(proxyBeanMethods = false)
public class EngineConfiguration {

    @Bean
    PluginRegistry pluginRegistry() {
        return PluginRegistry.load();
    }

    @Bean(destroyMethod = "close")
    ModelCatalog modelCatalog(ModelProperties properties, PluginRegistry plugins) {
        return ModelCatalog.fromProperties(properties, plugins);
    }
}
