package io.kvasir.gateway.engine;

import io.kvasir.engine.plugin.PluginRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wires the plugin registry and the model catalog. The catalog's models start after the database is migrated,
 * through the {@link ModelStartup} in the context (the profile store's: each model from its latest stored
 * profile), and their generations are shown to the {@link GenerationObserver} in the context (live statistics).
 */
@Configuration(proxyBeanMethods = false)
public class EngineConfiguration {

    @Bean
    PluginRegistry pluginRegistry() {
        return PluginRegistry.load();
    }

    @Bean(destroyMethod = "close")
    @DependsOnDatabaseInitialization
    ModelCatalog modelCatalog(ModelProperties properties, PluginRegistry plugins, ObjectProvider<GenerationObserver> observer,
            ObjectProvider<ModelStartup> startup) {
        return ModelCatalog.fromProperties(properties, plugins, observer.getIfAvailable(() -> GenerationObserver.NONE),
                startup.getIfAvailable(() -> ModelStartup.FROM_PROPERTIES));
    }
}
