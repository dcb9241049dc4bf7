package io.kvasir.gateway.security;

import io.kvasir.gateway.api.ApiErrorHandler;
import io.kvasir.gateway.api.ApiException;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * How the security filters refuse a request, and whom they count failures against. A refusal is an
 * {@link ApiException} signalled down the filter chain; {@link ApiErrorHandler} renders it like any other error,
 * with its {@code WWW-Authenticate} or {@code Retry-After} header.
 */
final class Rejections {

    private Rejections() {
    }

    /** Refuses with {@code error}. */
    static Mono<Void> reject(ApiException error) {
        return Mono.error(error);
    }

    /** Refuses with a 401 after {@code delay} (the failure throttle's), naming the authentication scheme to use. */
    static Mono<Void> unauthorized(ApiException error, String challenge, Duration delay) {
        Mono<Void> answer = reject(error.withChallenge(challenge));
        return delay.isZero() ? answer : Mono.delay(delay).then(answer);
    }

    /** 429 for an address locked out after too many failures. */
    static Mono<Void> lockedOut(Duration retryAfter) {
        return reject(new ApiException(HttpStatus.TOO_MANY_REQUESTS, "rate_limit_exceeded", "too_many_auth_failures",
                null, "Too many failed authentication attempts from this address; try again later.", retryAfter));
    }

    /** The client's IP address (as forwarded-header handling left it), or {@code unknown}. */
    static String clientAddress(ServerWebExchange exchange) {
        InetSocketAddress remote = exchange.getRequest().getRemoteAddress();
        if (remote == null || remote.getAddress() == null) {
            return "unknown";
        }
        return remote.getAddress().getHostAddress();
    }
}
