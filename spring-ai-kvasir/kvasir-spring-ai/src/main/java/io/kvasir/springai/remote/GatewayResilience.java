package io.kvasir.springai.remote;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

import org.springframework.web.reactive.function.client.WebClientRequestException;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;

/**
 * What the remote client retries and what its circuit breaker counts.
 *
 * <ul>
 *   <li><b>Retry</b> only requests that never started: the connection could not be made, or the gateway
 *       answered 429 or 503 before any body. A request that reached the engine is never sent twice (it
 *       may have generated, and a stream may have delivered text). The wait grows exponentially, or is the
 *       gateway's {@code Retry-After}, capped at the largest backoff.</li>
 *   <li><b>Circuit breaker</b>: a request counts as failed when the gateway could not be reached, timed out,
 *       or answered 5xx; a 4xx is the caller's fault and counts as a success of the gateway.</li>
 * </ul>
 */
public final class GatewayResilience {

    private GatewayResilience() {
    }

    /** Whether a failed request never started, so sending it again is safe. */
    public static boolean neverStarted(Throwable failure) {
        if (failure instanceof KvasirRemoteException e) {
            return e.status() == 429 || e.status() == 503;
        }
        return hasCause(failure, ConnectException.class);
    }

    /** Whether a failure says the gateway is unwell (unreachable, timing out, 5xx). */
    public static boolean isGatewayFault(Throwable failure) {
        if (failure instanceof KvasirRemoteException e) {
            return e.status() >= 500;
        }
        return failure instanceof WebClientRequestException || hasCause(failure, IOException.class)
                || hasCause(failure, TimeoutException.class);
    }

    /**
     * A retry of requests that never started.
     *
     * @param maxAttempts attempts in all, the first included (1 turns retrying off)
     * @param initialBackoff the wait before the second attempt
     * @param multiplier how much each further wait grows
     * @param maxBackoff the longest wait, also the cap on {@code Retry-After}
     */
    public static Retry retry(String name, int maxAttempts, Duration initialBackoff, double multiplier,
            Duration maxBackoff) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
        }
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0 || !(multiplier >= 1)) {
            throw new IllegalArgumentException("backoff must satisfy 0 <= initial <= max and multiplier >= 1, got "
                    + initialBackoff + ", " + maxBackoff + ", " + multiplier);
        }
        long maxMillis = maxBackoff.toMillis();
        IntervalBiFunction<Object> interval = (attempt, outcome) -> {
            if (outcome.isLeft() && outcome.getLeft() instanceof KvasirRemoteException e && e.retryAfter() != null) {
                return Math.min(e.retryAfter().toMillis(), maxMillis);
            }
            double millis = initialBackoff.toMillis() * Math.pow(multiplier, attempt - 1);
            return (long) Math.min(millis, maxMillis);
        };
        return Retry.of(name, RetryConfig.custom().maxAttempts(maxAttempts).intervalBiFunction(interval)
                .retryOnException(GatewayResilience::neverStarted).build());
    }

    /** A circuit-breaker configuration that records {@link #isGatewayFault gateway faults}; sizes are the caller's. */
    public static CircuitBreakerConfig.Builder circuitBreakerConfig() {
        return CircuitBreakerConfig.custom().recordException(GatewayResilience::isGatewayFault);
    }

    private static boolean hasCause(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
