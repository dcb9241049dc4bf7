package io.kvasir.springai.autoconfigure;

import org.springframework.ai.chat.model.ChatModel;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.reactor.retry.RetryOperator;
import io.github.resilience4j.retry.Retry;
import io.kvasir.springai.KvasirChatBackend;
import io.kvasir.springai.remote.GatewayResilience;
import io.kvasir.springai.remote.RemoteChatBackend;
import io.netty.channel.ChannelOption;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * Remote mode ({@code spring.ai.kvasir.mode=remote}): a Kvasir gateway over HTTP at
 * {@code spring.ai.kvasir.remote.base-url}, through WebClient on Reactor Netty, with a Resilience4j retry
 * (bean {@value #RETRY_BEAN}) and circuit breaker (bean {@value #CIRCUIT_BREAKER_BEAN}).
 */
@AutoConfiguration
@ConditionalOnClass({ChatModel.class, WebClient.class, HttpClient.class, JsonMapper.class, Retry.class,
        CircuitBreaker.class, RetryOperator.class})
@ConditionalOnProperty(prefix = KvasirProperties.CONFIG_PREFIX, name = "mode", havingValue = "remote")
@EnableConfigurationProperties({KvasirRemoteProperties.class, KvasirChatProperties.class})
public class KvasirRemoteAutoConfiguration {

    public static final String RETRY_BEAN = "kvasirRemoteRetry";
    public static final String CIRCUIT_BREAKER_BEAN = "kvasirRemoteCircuitBreaker";

    @Bean(RETRY_BEAN)
    @ConditionalOnMissingBean(name = RETRY_BEAN)
    public Retry kvasirRemoteRetry(KvasirRemoteProperties properties) {
        KvasirRemoteProperties.Retry retry = properties.getRetry();
        return GatewayResilience.retry(RETRY_BEAN, retry.getMaxAttempts(), retry.getInitialBackoff(),
                retry.getMultiplier(), retry.getMaxBackoff());
    }

    @Bean(CIRCUIT_BREAKER_BEAN)
    @ConditionalOnMissingBean(name = CIRCUIT_BREAKER_BEAN)
    public CircuitBreaker kvasirRemoteCircuitBreaker(KvasirRemoteProperties properties) {
        KvasirRemoteProperties.CircuitBreaker cb = properties.getCircuitBreaker();
        return CircuitBreaker.of(CIRCUIT_BREAKER_BEAN, GatewayResilience.circuitBreakerConfig()
                .failureRateThreshold(cb.getFailureRateThreshold())
                .slidingWindowSize(cb.getSlidingWindowSize())
                .minimumNumberOfCalls(cb.getMinimumNumberOfCalls())
                .waitDurationInOpenState(cb.getWaitDurationInOpenState())
                .permittedNumberOfCallsInHalfOpenState(cb.getPermittedNumberOfCallsInHalfOpenState())
                .build());
    }

    /** The gateway client; an application's {@code WebClient.Builder} bean is used (cloned) when there is one. */
    @Bean
    @ConditionalOnMissingBean(KvasirChatBackend.class)
    public RemoteChatBackend kvasirChatBackend(KvasirRemoteProperties properties, KvasirChatProperties chat,
            ObjectProvider<WebClient.Builder> webClientBuilder, @Qualifier(RETRY_BEAN) Retry retry,
            @Qualifier(CIRCUIT_BREAKER_BEAN) CircuitBreaker circuitBreaker) {
        HttpClient httpClient = HttpClient.create()
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, Math.toIntExact(properties.getConnectTimeout().toMillis()))
                .responseTimeout(properties.getResponseTimeout());
        WebClient webClient = webClientBuilder.getIfAvailable(WebClient::builder).clone()
                .baseUrl(properties.getBaseUrl().toString())
                .clientConnector(new ReactorClientHttpConnector(httpClient))
                .build();
        return new RemoteChatBackend(webClient, properties.getApiKey(), chat.getModel(), retry, circuitBreaker);
    }
}
