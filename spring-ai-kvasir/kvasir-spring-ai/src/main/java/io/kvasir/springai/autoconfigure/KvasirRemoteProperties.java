package io.kvasir.springai.autoconfigure;

import java.net.URI;
import java.time.Duration;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;

/**
 * The Kvasir gateway of remote mode ({@code spring.ai.kvasir.remote.*}): where it is, the API key, timeouts,
 * and the retry and circuit breaker around every request.
 */
@ConfigurationProperties(KvasirRemoteProperties.CONFIG_PREFIX)
public class KvasirRemoteProperties {

    public static final String CONFIG_PREFIX = "spring.ai.kvasir.remote";

    /** The gateway's base URL; requests go to {base-url}/v1/chat/completions. */
    private URI baseUrl = URI.create("http://localhost:8080");
    /** The tenant's API key, sent as "Authorization: Bearer"; none is sent when unset. */
    private @Nullable String apiKey;
    /** How long to wait for a connection. */
    private Duration connectTimeout = Duration.ofSeconds(5);
    /** The longest quiet time while waiting for or reading a response (the gateway's heartbeats keep streams busy). */
    private Duration responseTimeout = Duration.ofMinutes(5);
    /** Retrying requests that never started (connection refused, 429 or 503 before any body). */
    @NestedConfigurationProperty
    private final Retry retry = new Retry();
    /** The circuit breaker that stops calling a gateway that keeps failing (unreachable, timeouts, 5xx). */
    @NestedConfigurationProperty
    private final CircuitBreaker circuitBreaker = new CircuitBreaker();

    public URI getBaseUrl() {
        return baseUrl;
    }

    public void setBaseUrl(URI baseUrl) {
        this.baseUrl = baseUrl;
    }

    public @Nullable String getApiKey() {
        return apiKey;
    }

    public void setApiKey(@Nullable String apiKey) {
        this.apiKey = apiKey;
    }

    public Duration getConnectTimeout() {
        return connectTimeout;
    }

    public void setConnectTimeout(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    public Duration getResponseTimeout() {
        return responseTimeout;
    }

    public void setResponseTimeout(Duration responseTimeout) {
        this.responseTimeout = responseTimeout;
    }

    public Retry getRetry() {
        return retry;
    }

    public CircuitBreaker getCircuitBreaker() {
        return circuitBreaker;
    }

    /** Retry settings. */
    public static class Retry {

        /** Attempts in all, the first included; 1 turns retrying off. */
        private int maxAttempts = 3;
        /** The wait before the second attempt. */
        private Duration initialBackoff = Duration.ofMillis(500);
        /** How much each further wait grows. */
        private double multiplier = 2.0;
        /** The longest wait, also the cap on the gateway's Retry-After. */
        private Duration maxBackoff = Duration.ofSeconds(10);

        public int getMaxAttempts() {
            return maxAttempts;
        }

        public void setMaxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
        }

        public Duration getInitialBackoff() {
            return initialBackoff;
        }

        public void setInitialBackoff(Duration initialBackoff) {
            this.initialBackoff = initialBackoff;
        }

        public double getMultiplier() {
            return multiplier;
        }

        public void setMultiplier(double multiplier) {
            this.multiplier = multiplier;
        }

        public Duration getMaxBackoff() {
            return maxBackoff;
        }

        public void setMaxBackoff(Duration maxBackoff) {
            this.maxBackoff = maxBackoff;
        }
    }

    /** Circuit-breaker settings (Resilience4j's count-based sliding window). */
    public static class CircuitBreaker {

        /** The failure rate, in percent, at which the breaker opens. */
        private float failureRateThreshold = 50;
        /** How many of the latest requests the failure rate is taken over. */
        private int slidingWindowSize = 20;
        /** Requests needed before the failure rate is judged. */
        private int minimumNumberOfCalls = 10;
        /** How long the breaker stays open before letting trial requests through. */
        private Duration waitDurationInOpenState = Duration.ofSeconds(30);
        /** Trial requests while half open. */
        private int permittedNumberOfCallsInHalfOpenState = 3;

        public float getFailureRateThreshold() {
            return failureRateThreshold;
        }

        public void setFailureRateThreshold(float failureRateThreshold) {
            this.failureRateThreshold = failureRateThreshold;
        }

        public int getSlidingWindowSize() {
            return slidingWindowSize;
        }

        public void setSlidingWindowSize(int slidingWindowSize) {
            this.slidingWindowSize = slidingWindowSize;
        }

        public int getMinimumNumberOfCalls() {
            return minimumNumberOfCalls;
        }

        public void setMinimumNumberOfCalls(int minimumNumberOfCalls) {
            this.minimumNumberOfCalls = minimumNumberOfCalls;
        }

        public Duration getWaitDurationInOpenState() {
            return waitDurationInOpenState;
        }

        public void setWaitDurationInOpenState(Duration waitDurationInOpenState) {
            this.waitDurationInOpenState = waitDurationInOpenState;
        }

        public int getPermittedNumberOfCallsInHalfOpenState() {
            return permittedNumberOfCallsInHalfOpenState;
        }

        public void setPermittedNumberOfCallsInHalfOpenState(int permittedNumberOfCallsInHalfOpenState) {
            this.permittedNumberOfCallsInHalfOpenState = permittedNumberOfCallsInHalfOpenState;
        }
    }
}
