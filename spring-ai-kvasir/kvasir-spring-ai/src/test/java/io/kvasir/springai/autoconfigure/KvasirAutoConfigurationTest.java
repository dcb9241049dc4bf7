package io.kvasir.springai.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.WebClient;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.Retry;
import io.kvasir.api.GenerationRequest;
import io.kvasir.engine.loop.CacheProfile;
import io.kvasir.engine.loop.Engine;
import io.kvasir.engine.loop.EngineConfig;
import io.kvasir.engine.loop.StrategyChoice;
import io.kvasir.engine.plugin.PluginRegistry;
import io.kvasir.engine.testing.SharedFiles;
import io.kvasir.springai.KvasirChatBackend;
import io.kvasir.springai.KvasirChatChunk;
import io.kvasir.springai.KvasirChatModel;
import io.kvasir.springai.KvasirChatRequest;
import io.kvasir.springai.KvasirUsage;
import io.kvasir.springai.embedded.EmbeddedChatBackend;
import io.kvasir.springai.embedded.KvasirEmbeddedEngine;
import io.kvasir.springai.remote.GatewayResilience;
import io.kvasir.springai.remote.RemoteChatBackend;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import reactor.core.publisher.Flux;

/** The auto-configuration as a Spring Boot application sees it: each mode, and each reason not to apply. */
class KvasirAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
            AutoConfigurations.of(KvasirEmbeddedAutoConfiguration.class, KvasirRemoteAutoConfiguration.class,
                    KvasirChatAutoConfiguration.class));

    private static String stories() {
        return SharedFiles.require("models/stories260K.gguf").toString();
    }

    private static String[] embedded() {
        return new String[] {"spring.ai.kvasir.mode=embedded", "spring.ai.kvasir.embedded.model=" + stories(),
                "spring.ai.kvasir.embedded.threads=1", "spring.ai.kvasir.embedded.kv-cache-size=8MB"};
    }

    @Test
    void withoutAModeThereIsNoKvasirModelAndNoEngine() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(ChatModel.class);
            assertThat(context).doesNotHaveBean(KvasirChatBackend.class);
            assertThat(context).doesNotHaveBean(KvasirEmbeddedEngine.class);
        });
    }

    @Test
    void embeddedModeServesTheModelFileAndClosesTheEngineWithTheContext() {
        Engine[] engine = new Engine[1];
        runner.withPropertyValues(embedded())
                .withPropertyValues("spring.ai.kvasir.chat.temperature=0", "spring.ai.kvasir.chat.max-tokens=8",
                        "spring.ai.kvasir.chat.stop=END,###", "spring.ai.kvasir.embedded.profile.codec.name=int8",
                        "spring.ai.kvasir.embedded.profile.prefix-index.name=radix")
                .run(context -> {
                    assertThat(context).hasSingleBean(KvasirChatModel.class).hasSingleBean(EmbeddedChatBackend.class);
                    assertThat(context).doesNotHaveBean(RemoteChatBackend.class);
                    KvasirChatModel model = context.getBean(KvasirChatModel.class);
                    assertThat(model.getOptions().getTemperature()).isEqualTo(0.0);
                    assertThat(model.getOptions().getMaxTokens()).isEqualTo(8);
                    assertThat(model.getOptions().getStopSequences()).containsExactly("END", "###");
                    engine[0] = context.getBean(KvasirEmbeddedEngine.class).engine();
                    assertThat(engine[0].config().numThreads()).isEqualTo(1);
                    assertThat(engine[0].config().kvCacheBytes()).isEqualTo(8L << 20);
                    assertThat(engine[0].config().cacheProfile().codec().name()).isEqualTo("int8");
                    assertThat(engine[0].config().cacheProfile().prefixIndex().name()).isEqualTo("radix");

                    ChatResponse response = model.call(new Prompt("Once upon a time"));

                    assertThat(response.getResult().getOutput().getText()).isNotEmpty();
                    assertThat(response.getMetadata().getUsage().getCompletionTokens()).isBetween(1, 8);
                });
        assertThat(engine[0].isHealthy()).isFalse();
    }

    @Test
    void pluginConfigurationFromPropertiesReachesThePlugin() {
        runner.withPropertyValues(embedded())
                .withPropertyValues("spring.ai.kvasir.embedded.profile.prefix-index.name=none",
                        "spring.ai.kvasir.embedded.profile.eviction.name=streaming",
                        "spring.ai.kvasir.embedded.profile.eviction.config.sink_tokens=2")
                .run(context -> assertThat(context.getBean(KvasirEmbeddedEngine.class).engine().config().cacheProfile()
                        .eviction()).isEqualTo(StrategyChoice.of("streaming", Map.of("sink_tokens", "2"))));
        runner.withPropertyValues(embedded())
                .withPropertyValues("spring.ai.kvasir.embedded.profile.codec.config.nonsense=1")
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause().hasMessageContaining("nonsense"));
    }

    @Test
    void embeddedModeWithoutAModelFileFailsSayingWhichPropertyIsMissing() {
        runner.withPropertyValues("spring.ai.kvasir.mode=embedded")
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("spring.ai.kvasir.embedded.model must name a GGUF model file"));
    }

    @Test
    void embeddedModeWithAMissingFileFailsNamingIt() {
        runner.withPropertyValues("spring.ai.kvasir.mode=embedded", "spring.ai.kvasir.embedded.model=/nowhere/model.gguf")
                .run(context -> assertThat(context).hasFailed().getFailure()
                        .hasStackTraceContaining("cannot read spring.ai.kvasir.embedded.model=/nowhere/model.gguf")
                        .rootCause().isInstanceOf(NoSuchFileException.class));
    }

    @Test
    void anUnknownModeFailsListingTheKnownOnes() {
        runner.withPropertyValues("spring.ai.kvasir.mode=cloud")
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause().hasMessageContaining("cloud"));
    }

    @Test
    void remoteModeTalksToTheGatewayWithTheConfiguredRetryAndCircuitBreaker() {
        runner.withPropertyValues("spring.ai.kvasir.mode=remote", "spring.ai.kvasir.remote.base-url=http://127.0.0.1:9",
                        "spring.ai.kvasir.remote.api-key=sk-1", "spring.ai.kvasir.chat.model=stories260K",
                        "spring.ai.kvasir.remote.retry.max-attempts=5",
                        "spring.ai.kvasir.remote.circuit-breaker.sliding-window-size=7",
                        "spring.ai.kvasir.remote.circuit-breaker.wait-duration-in-open-state=12s")
                .run(context -> {
                    assertThat(context).hasSingleBean(KvasirChatModel.class).hasSingleBean(RemoteChatBackend.class);
                    assertThat(context).doesNotHaveBean(KvasirEmbeddedEngine.class);
                    RemoteChatBackend backend = context.getBean(RemoteChatBackend.class);
                    assertThat(backend.defaultModel()).isEqualTo("stories260K");
                    assertThat(backend.retry().getRetryConfig().getMaxAttempts()).isEqualTo(5);
                    assertThat(backend.circuitBreaker().getCircuitBreakerConfig().getSlidingWindowSize()).isEqualTo(7);
                    assertThat(backend.circuitBreaker().getCircuitBreakerConfig().getWaitIntervalFunctionInOpenState()
                            .apply(1)).isEqualTo(Duration.ofSeconds(12).toMillis());
                });
    }

    @Test
    void aModeWhoseClassesAreMissingFailsSayingWhatToAdd() {
        runner.withPropertyValues(embedded()).withClassLoader(new FilteredClassLoader(Engine.class))
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("embedded mode needs io.kvasir:kvasir-engine-core"));
        runner.withPropertyValues("spring.ai.kvasir.mode=remote").withClassLoader(new FilteredClassLoader(WebClient.class))
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("remote mode needs spring-webflux"));
    }

    @Test
    void withoutSpringAiNothingIsConfigured() {
        runner.withPropertyValues(embedded()).withClassLoader(new FilteredClassLoader(ChatModel.class))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).doesNotHaveBean(KvasirEmbeddedEngine.class);
                    assertThat(context).doesNotHaveBean("kvasirChatModel");
                });
    }

    @Test
    void anotherChatProviderChosenBySpringAiLeavesKvasirOut() {
        runner.withPropertyValues("spring.ai.model.chat=openai", "spring.ai.kvasir.mode=remote",
                        "spring.ai.kvasir.chat.model=m")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).doesNotHaveBean(KvasirChatModel.class);
                });
    }

    @Test
    void anApplicationsOwnBeansWin() {
        runner.withPropertyValues("spring.ai.kvasir.mode=remote", "spring.ai.kvasir.chat.model=m")
                .withUserConfiguration(OwnResilience.class)
                .run(context -> {
                    RemoteChatBackend backend = context.getBean(RemoteChatBackend.class);
                    assertThat(backend.retry()).isSameAs(context.getBean(OwnResilience.class).retry);
                    assertThat(backend.circuitBreaker().getName()).isEqualTo("mine");
                });
        runner.withPropertyValues(embedded()).withUserConfiguration(OwnBackend.class)
                .run(context -> {
                    assertThat(context.getBean(KvasirChatModel.class).getBackend()).isInstanceOf(FixedBackend.class);
                    assertThat(context).doesNotHaveBean(EmbeddedChatBackend.class);
                });
        runner.withPropertyValues(embedded()).withUserConfiguration(OwnModel.class)
                .run(context -> assertThat(context.getBean(KvasirChatModel.class))
                        .isSameAs(context.getBean(OwnModel.class).model));
        runner.withPropertyValues(embedded()).withUserConfiguration(OwnRegistry.class)
                .run(context -> assertThat(context.getBean(PluginRegistry.class))
                        .isSameAs(context.getBean(OwnRegistry.class).registry));
    }

    @Test
    void theApplicationsObservationRegistryObservesTheModel() {
        runner.withPropertyValues(embedded()).withPropertyValues("spring.ai.kvasir.chat.max-tokens=4")
                .withBean(ObservationRegistry.class, TestObservationRegistry::create)
                .run(context -> {
                    context.getBean(KvasirChatModel.class).call(new Prompt("Hi"));

                    TestObservationRegistryAssert.assertThat(context.getBean(TestObservationRegistry.class))
                            .hasObservationWithNameEqualTo("gen_ai.client.operation");
                });
    }

    @Test
    void theDocumentedEmbeddedDefaultsAreTheEnginesOwn() {
        EngineConfig fromProperties = new KvasirEmbeddedProperties().toEngineConfig();
        EngineConfig engine = EngineConfig.defaults();

        assertThat(fromProperties.numThreads()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(fromProperties.withNumThreads(engine.numThreads())).isEqualTo(engine);
        assertThat(new KvasirEmbeddedProperties().toEngineConfig().cacheProfile()).isEqualTo(CacheProfile.defaults());
        assertThat(new KvasirEmbeddedProperties().getTenantId()).isEqualTo(GenerationRequest.DEFAULT_TENANT);
        assertThat(CacheProfile.defaults().offloadTier().name()).isEqualTo(StrategyChoice.NONE);
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnResilience {
        final Retry retry = GatewayResilience.retry("mine", 1, Duration.ZERO, 1.0, Duration.ZERO);

        @Bean(KvasirRemoteAutoConfiguration.RETRY_BEAN)
        Retry kvasirRemoteRetry() {
            return retry;
        }

        @Bean(KvasirRemoteAutoConfiguration.CIRCUIT_BREAKER_BEAN)
        CircuitBreaker kvasirRemoteCircuitBreaker() {
            return CircuitBreaker.ofDefaults("mine");
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnBackend {
        @Bean
        KvasirChatBackend fixedBackend() {
            return new FixedBackend();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnModel {
        final KvasirChatModel model = KvasirChatModel.builder().backend(new FixedBackend()).build();

        @Bean
        KvasirChatModel myModel() {
            return model;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnRegistry {
        final PluginRegistry registry = PluginRegistry.load();

        @Bean
        PluginRegistry myRegistry() {
            return registry;
        }
    }

    /** A backend an application might write itself. */
    static final class FixedBackend implements KvasirChatBackend {
        @Override
        public String defaultModel() {
            return "fixed";
        }

        @Override
        public Flux<KvasirChatChunk> stream(KvasirChatRequest request) {
            return Flux.fromIterable(List.of(new KvasirChatChunk("f", "fixed", "ok", KvasirChatChunk.FINISH_STOP,
                    new KvasirUsage(1, 0, 1))));
        }
    }
}
