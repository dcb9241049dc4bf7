package io.kvasir.gateway.server;

import io.kvasir.gateway.api.ApiException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Refuses new API requests with 503 {@code server_shutting_down} (and {@code Retry-After}) while the gateway
 * drains; health and metrics endpoints keep answering.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class DrainFilter implements WebFilter {

    private final Drain drain;

    public DrainFilter(Drain drain) {
        this.drain = drain;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (drain.isDraining() && !exchange.getRequest().getPath().value().startsWith("/actuator")) {
            return Mono.error(ApiException.shuttingDown("The server is shutting down; retry on another instance."));
        }
        return chain.filter(exchange);
    }
}
