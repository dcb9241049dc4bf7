package io.kvasir.gateway.security;

import io.kvasir.gateway.api.ApiException;
import io.kvasir.gateway.tenant.Tenant;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.PathContainer;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import reactor.core.publisher.Mono;

/**
 * Authenticates every request outside {@code /admin} and the public paths by its tenant API key
 * ({@code Authorization: Bearer kv-...}) and puts the {@link Tenant} (and the {@link AuthenticatedKey}) in the
 * exchange for the handlers. Default deny: a path not listed as public needs a key, whether or not a handler
 * serves it.
 *
 * <p>Refusals (RELIABILITY.md item 14): a missing, wrong or near-miss key gets 401 {@code invalid_api_key};
 * failures from one address are slowed and then answered 429 by {@link AuthFailureThrottle}.
 */
@Component
public class ApiKeyAuthFilter implements WebFilter, Ordered {

    /** After the path guard and the admin filter. */
    public static final int ORDER = AdminAuthFilter.ORDER + 10;

    private static final String CHALLENGE = "Bearer realm=\"kvasir\"";

    private final ApiKeyAuthenticator authenticator;
    private final AuthFailureThrottle throttle;
    private final List<PathPattern> publicPaths;

    public ApiKeyAuthFilter(ApiKeyAuthenticator authenticator, AuthFailureThrottle throttle, AuthProperties properties) {
        this.authenticator = authenticator;
        this.throttle = throttle;
        this.publicPaths = properties.publicPaths().stream().map(PathPatternParser.defaultInstance::parse).toList();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        PathContainer path = exchange.getRequest().getPath().pathWithinApplication();
        if (AdminAuthFilter.isAdminPath(path.value()) || publicPaths.stream().anyMatch(p -> p.matches(path))) {
            return chain.filter(exchange);
        }
        String client = Rejections.clientAddress(exchange);
        Optional<Duration> lockout = throttle.lockedOutFor(client);
        if (lockout.isPresent()) {
            return Rejections.lockedOut(lockout.get());
        }
        String authorization = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        // Refusals are turned into values before the chain runs, so errors from handlers further down pass through.
        return authenticator.authenticate(authorization)
                .<Object>map(key -> key)
                .onErrorResume(ApiException.class, Mono::just)
                .flatMap(result -> switch (result) {
                    case AuthenticatedKey key -> {
                        exchange.getAttributes().put(AuthenticatedKey.ATTRIBUTE, key);
                        exchange.getAttributes().put(Tenant.ATTRIBUTE, key.tenant().toTenant());
                        yield chain.filter(exchange);
                    }
                    // Only a presented credential can be a guess: a request with none (a browser's favicon fetch)
                    // gets its 401 without counting towards the address's lockout.
                    case ApiException refused when refused.status() == HttpStatus.UNAUTHORIZED && authorization == null ->
                            Rejections.unauthorized(refused, CHALLENGE, Duration.ZERO);
                    case ApiException refused when refused.status() == HttpStatus.UNAUTHORIZED ->
                            Rejections.unauthorized(refused, CHALLENGE, throttle.recordFailure(client));
                    case ApiException refused -> Rejections.reject(refused);
                    default -> Mono.error(new IllegalStateException("unexpected authentication result " + result));
                });
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}
