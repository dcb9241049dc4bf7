package io.kvasir.springai.autoconfigure;

import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.observation.ChatModelObservationConvention;
import org.springframework.ai.model.SpringAIModelProperties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.kvasir.springai.KvasirChatBackend;
import io.kvasir.springai.KvasirChatModel;
import io.micrometer.observation.ObservationRegistry;

/**
 * The {@link KvasirChatModel} over whichever backend the mode configured, with the default options of
 * {@code spring.ai.kvasir.chat.*}, observed through the application's {@link ObservationRegistry}.
 *
 * <p>Applies unless {@code spring.ai.model.chat} names another provider. With {@code spring.ai.kvasir.mode}
 * unset nothing is created; with a mode whose classes are missing the context fails, saying what to add.
 */
@AutoConfiguration(after = {KvasirEmbeddedAutoConfiguration.class, KvasirRemoteAutoConfiguration.class})
@ConditionalOnClass(ChatModel.class)
@ConditionalOnProperty(name = SpringAIModelProperties.CHAT_MODEL, havingValue = KvasirChatModel.PROVIDER,
        matchIfMissing = true)
@EnableConfigurationProperties({KvasirProperties.class, KvasirChatProperties.class})
public class KvasirChatAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(KvasirChatBackend.class)
    public KvasirChatModel kvasirChatModel(KvasirChatBackend backend, KvasirChatProperties properties,
            ObjectProvider<ObservationRegistry> observationRegistry,
            ObjectProvider<ChatModelObservationConvention> observationConvention) {
        KvasirChatModel.Builder builder = KvasirChatModel.builder().backend(backend)
                .defaultOptions(properties.toOptions())
                .observationRegistry(observationRegistry.getIfUnique(() -> ObservationRegistry.NOOP));
        observationConvention.ifAvailable(builder::observationConvention);
        return builder.build();
    }

    /** A mode is set but its backend could not be configured: fail with what is missing instead of going on without a model. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(prefix = KvasirProperties.CONFIG_PREFIX, name = "mode")
    @ConditionalOnMissingBean({KvasirChatBackend.class, KvasirChatModel.class})
    static class MissingBackendConfiguration {

        @Bean
        Object kvasirMissingBackend(KvasirProperties properties) {
            throw new IllegalStateException(KvasirProperties.CONFIG_PREFIX + ".mode=" + properties.getMode()
                    + " but no Kvasir backend could be configured: embedded mode needs io.kvasir:kvasir-engine-core on the "
                    + "class path; remote mode needs spring-webflux, reactor-netty-http, jackson-databind and "
                    + "resilience4j-retry, -circuitbreaker and -reactor. The starter "
                    + "io.kvasir:spring-ai-starter-model-kvasir brings them all.");
        }
    }
}
