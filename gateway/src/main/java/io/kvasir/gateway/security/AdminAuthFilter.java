package io.kvasir.gateway.security;

import io.kvasir.gateway.api.ApiException;
import io.kvasir.gateway.console.AdminConsole;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Guards everything under {@code /admin} with admin credentials (except reads of the console's static files,
 * which hold no secrets: {@link AdminConsole#isStaticRequest}), which are separate from tenant keys
 * (RELIABILITY.md item 16). Admins authenticate with HTTP Basic (name and password, checked against a PBKDF2
 * hash). In order:
 * <ol>
 *   <li>a host not in {@code kvasir.admin.allowed-hosts} (when set) → 403 {@code host_not_allowed};</li>
 *   <li>an unsafe method (POST, PUT, PATCH, DELETE) from another origin → 403 {@code cross_origin_request};</li>
 *   <li>an address locked out after repeated failures → 429;</li>
 *   <li>a bearer token → 403 {@code admin_credentials_required}: tenant keys never open the admin API, and the
 *       answer does not depend on whether the key is valid, so it cannot be used to test keys;</li>
 *   <li>no or malformed credentials → 401; a wrong name or password → 401, counted and slowed.</li>
 * </ol>
 * Path tricks ({@code /v1/../admin}, {@code //admin}, {@code %2F}) never reach this filter: {@link PathGuardFilter}
 * refuses them first, and the admin prefix is matched case-insensitively.
 */
@Component
public class AdminAuthFilter implements WebFilter, Ordered {

    /** After the path guard, before the API key filter. */
    public static final int ORDER = PathGuardFilter.ORDER + 10;

    private static final String CHALLENGE = "Basic realm=\"kvasir-admin\", charset=\"UTF-8\"";
    /**
     * The challenge for the console's own calls ({@code X-Requested-With: XMLHttpRequest}): a browser answers a
     * {@code Basic} challenge to a script's request with its native login dialog, over the console's own form, so
     * those calls get a scheme the browser does not handle (the credentials they send are still HTTP Basic).
     */
    private static final String CONSOLE_CHALLENGE = "KvasirAdmin realm=\"kvasir-admin\"";

    private final AdminAuthenticator authenticator;
    private final AuthFailureThrottle throttle;
    private final OriginPolicy originPolicy;

    public AdminAuthFilter(AdminAuthenticator authenticator, AuthFailureThrottle throttle, AdminProperties properties) {
        this.authenticator = authenticator;
        this.throttle = throttle;
        this.originPolicy = new OriginPolicy(properties.allowedHosts(), properties.allowedOrigins());
    }

    /** Whether {@code path} is on the admin surface ({@code /admin} or below, any letter case). */
    public static boolean isAdminPath(String path) {
        return path.regionMatches(true, 0, "/admin", 0, 6) && (path.length() == 6 || path.charAt(6) == '/');
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String path = exchange.getRequest().getPath().pathWithinApplication().value();
        if (!isAdminPath(path) || AdminConsole.isStaticRequest(exchange.getRequest().getMethod(), path)) {
            return chain.filter(exchange);
        }
        String hostProblem = originPolicy.hostProblem(exchange.getRequest());
        if (hostProblem != null) {
            return forbidden("host_not_allowed", "Admin requests are refused for this host: " + hostProblem + ".");
        }
        String originProblem = originPolicy.originProblem(exchange.getRequest());
        if (originProblem != null) {
            return forbidden("cross_origin_request", "Cross-origin admin requests are refused: " + originProblem + ".");
        }
        String client = Rejections.clientAddress(exchange);
        Optional<Duration> lockout = throttle.lockedOutFor(client);
        if (lockout.isPresent()) {
            return Rejections.lockedOut(lockout.get());
        }
        String challenge = challenge(exchange);
        String authorization = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        if (authorization == null || authorization.isBlank()) {
            return Rejections.unauthorized(unauthorized("Admin credentials are required (HTTP Basic)."),
                    challenge, Duration.ZERO);
        }
        if (authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return forbidden("admin_credentials_required",
                    "The admin API takes admin credentials (HTTP Basic), not API keys.");
        }
        String[] credentials = basicCredentials(authorization);
        if (credentials == null) {
            return Rejections.unauthorized(unauthorized("Malformed admin credentials; use HTTP Basic."),
                    challenge, throttle.recordFailure(client));
        }
        return authenticator.authenticate(credentials[0], credentials[1])
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty())
                .flatMap(admin -> {
                    if (admin.isEmpty()) {
                        return Rejections.unauthorized(unauthorized("Incorrect admin name or password."),
                                challenge, throttle.recordFailure(client));
                    }
                    exchange.getAttributes().put(AdminPrincipal.ATTRIBUTE, admin.get());
                    return chain.filter(exchange);
                });
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    private static String challenge(ServerWebExchange exchange) {
        String requestedWith = exchange.getRequest().getHeaders().getFirst("X-Requested-With");
        return "XMLHttpRequest".equalsIgnoreCase(requestedWith) ? CONSOLE_CHALLENGE : CHALLENGE;
    }

    /** {name, password} of a {@code Basic} authorization, or null when it is not well-formed Basic. */
    static String @Nullable [] basicCredentials(String authorization) {
        if (!authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6).strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException notBase64) {
            return null;
        }
        int colon = decoded.indexOf(':');
        if (colon <= 0) {
            return null;
        }
        return new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
    }

    private static Mono<Void> forbidden(String code, String message) {
        return Rejections.reject(new ApiException(HttpStatus.FORBIDDEN, "permission_denied", code, null, message));
    }

    private static ApiException unauthorized(String message) {
        return new ApiException(HttpStatus.UNAUTHORIZED, "invalid_request_error", "invalid_admin_credentials", null, message);
    }
}
