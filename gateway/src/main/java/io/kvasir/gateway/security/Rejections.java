package io.kvasir.gateway.security;

import io.kvasir.gateway.api.ApiErrorBody;
import io.kvasir.gateway.api.ApiException;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** How the security filters answer a request they refuse, and whom they count failures against. */
final class Rejections {

    private Rejections() {
    }

    /** Answers with {@code error} in OpenAI's shape. */
    static Mono<Void> reject(ServerWebExchange exchange, ApiException error) {
        return ApiErrorBody.write(exchange.getResponse(), error);
    }

    /** Answers a 401 after {@code delay} (the failure throttle's), with the authentication scheme to use. */
    static Mono<Void> unauthorized(ServerWebExchange exchange, ApiException error, String challenge, Duration delay) {
        exchange.getResponse().getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, challenge);
        Mono<Void> answer = reject(exchange, error);
        return delay.isZero() ? answer : Mono.delay(delay).then(answer);
    }

    /** 429 for an address locked out after too many failures. */
    static Mono<Void> lockedOut(ServerWebExchange exchange, Duration retryAfter) {
        exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds(retryAfter)));
        return reject(exchange, new ApiException(HttpStatus.TOO_MANY_REQUESTS, "rate_limit_exceeded",
                "too_many_auth_failures", null,
                "Too many failed authentication attempts from this address; try again later."));
    }

    /** Whole seconds for {@code Retry-After}, rounded up, at least 1. */
    static long retryAfterSeconds(Duration wait) {
        long seconds = wait.toSeconds() + (wait.toNanosPart() > 0 ? 1 : 0);
        return Math.max(1, seconds);
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
