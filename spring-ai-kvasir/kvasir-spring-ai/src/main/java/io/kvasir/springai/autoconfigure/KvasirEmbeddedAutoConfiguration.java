package io.kvasir.springai.autoconfigure;

import java.io.IOException;
import java.nio.file.Path;

import org.springframework.ai.chat.model.ChatModel;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

import io.kvasir.engine.loop.Engine;
import io.kvasir.engine.plugin.PluginRegistry;
import io.kvasir.springai.KvasirChatBackend;
import io.kvasir.springai.embedded.EmbeddedChatBackend;
import io.kvasir.springai.embedded.KvasirEmbeddedEngine;
import reactor.core.scheduler.Schedulers;

/**
 * Embedded mode ({@code spring.ai.kvasir.mode=embedded}): an engine in this process over the model file
 * {@code spring.ai.kvasir.embedded.model}, started with the context and closed with it.
 */
@AutoConfiguration
@ConditionalOnClass({ChatModel.class, Engine.class})
@ConditionalOnProperty(prefix = KvasirProperties.CONFIG_PREFIX, name = "mode", havingValue = "embedded")
@EnableConfigurationProperties(KvasirEmbeddedProperties.class)
public class KvasirEmbeddedAutoConfiguration {

    /** The strategy plugins on the class path; an application may supply its own registry. */
    @Bean
    @ConditionalOnMissingBean
    public PluginRegistry kvasirPluginRegistry() {
        return PluginRegistry.load();
    }

    /** The engine and its model; closed with the context (the engine stops, the model is unmapped). */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public KvasirEmbeddedEngine kvasirEmbeddedEngine(KvasirEmbeddedProperties properties, PluginRegistry registry) {
        Path model = properties.getModel();
        if (model == null) {
            throw new IllegalStateException(KvasirEmbeddedProperties.CONFIG_PREFIX
                    + ".model must name a GGUF model file when " + KvasirProperties.CONFIG_PREFIX + ".mode=embedded");
        }
        try {
            return KvasirEmbeddedEngine.start(model, properties.toEngineConfig(), registry);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + KvasirEmbeddedProperties.CONFIG_PREFIX + ".model=" + model
                    + ": " + e, e);
        }
    }

    @Bean
    @ConditionalOnMissingBean(KvasirChatBackend.class)
    public EmbeddedChatBackend kvasirChatBackend(KvasirEmbeddedEngine engine, KvasirEmbeddedProperties properties) {
        return new EmbeddedChatBackend(engine, properties.getTenantId(), Schedulers.boundedElastic());
    }
}
