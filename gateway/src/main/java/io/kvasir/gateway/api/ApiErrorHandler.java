package io.kvasir.gateway.api;

import java.time.Duration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * The gateway's one error path: renders every failure that reaches the web layer, from the web filters
 * (authentication, path guard, drain), the functional API handlers and the annotated tenant and admin
 * controllers alike, in OpenAI's error shape with its status, {@code Retry-After} where retrying helps (admission,
 * overload, lockouts, shutdown) and {@code WWW-Authenticate} on a 401. Ordered before Spring Boot's own error
 * handler, so no request ever sees a whitelabel page or a stack trace. A failure after the response was committed (a stream already
 * under way) cannot change the status: the connection is closed instead.
 */
@Component
@Order(-2)
public class ApiErrorHandler implements WebExceptionHandler {

    private final JsonMapper json;

    public ApiErrorHandler(JsonMapper json) {
        this.json = json;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable failure) {
        ServerHttpResponse response = exchange.getResponse();
        if (response.isCommitted()) {
            return Mono.error(failure);
        }
        ApiException error = ApiErrors.render(failure);
        response.setStatusCode(error.status());
        HttpHeaders headers = response.getHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        Duration retryAfter = error.retryAfter();
        if (retryAfter != null) {
            headers.set(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds(retryAfter)));
        }
        if (error.challenge() != null) {
            headers.set(HttpHeaders.WWW_AUTHENTICATE, error.challenge());
        }
        byte[] body = json.writeValueAsBytes(ErrorBody.of(error));
        return response.writeWith(Mono.fromSupplier(() -> response.bufferFactory().wrap(body)));
    }

    /** Whole seconds for {@code Retry-After}, rounded up, at least 1. */
    static long retryAfterSeconds(Duration wait) {
        long seconds = wait.toSeconds() + (wait.toNanosPart() > 0 ? 1 : 0);
        return Math.max(1, seconds);
    }
}
