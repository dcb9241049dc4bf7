package io.kvasir.gateway.security;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * The Host and Origin checks of the admin surface. A browser attaches {@code Origin} to every unsafe cross-site
 * request and remembered HTTP Basic credentials to any request for the site, so an unsafe admin request is
 * accepted from a browser only when its origin is the gateway's own or an allowed one (CSRF protection). The
 * Host check stops DNS-rebinding pages, whose requests carry the attacker's host name.
 */
final class OriginPolicy {

    private static final Set<HttpMethod> SAFE_METHODS = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);

    private final Set<String> allowedHosts;
    private final Set<String> allowedOrigins;

    OriginPolicy(List<String> allowedHosts, List<String> allowedOrigins) {
        this.allowedHosts = allowedHosts.stream().map(h -> h.strip().toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        this.allowedOrigins = allowedOrigins.stream().map(OriginPolicy::normalizeOrigin).collect(Collectors.toSet());
    }

    /** Why the request's host is refused, or null when it is allowed. */
    @Nullable String hostProblem(ServerHttpRequest request) {
        String host = request.getURI().getHost();
        if (host == null || host.isBlank()) {
            return "the request names no host";
        }
        if (!allowedHosts.isEmpty() && !allowedHosts.contains(host.toLowerCase(Locale.ROOT))) {
            return "host '" + host + "' is not one of kvasir.admin.allowed-hosts";
        }
        return null;
    }

    /** Why the request's origin is refused, or null when it is allowed. */
    @Nullable String originProblem(ServerHttpRequest request) {
        if (request.getMethod() != null && SAFE_METHODS.contains(request.getMethod())) {
            return null;
        }
        String origin = request.getHeaders().getOrigin();
        if (origin == null) {
            String fetchSite = request.getHeaders().getFirst("Sec-Fetch-Site");
            return "cross-site".equalsIgnoreCase(fetchSite) ? "a cross-site request without Origin" : null;
        }
        String normalized = normalizeOrigin(origin);
        if (normalized.equals(ownOrigin(request)) || allowedOrigins.contains(normalized)) {
            return null;
        }
        return "origin '" + origin + "' is neither this gateway nor one of kvasir.admin.allowed-origins";
    }

    /** {@code host[:port]} of the request, lower case, the scheme's default port left out. */
    private static String ownOrigin(ServerHttpRequest request) {
        URI uri = request.getURI();
        return authority(uri.getHost(), uri.getPort(), uri.getScheme());
    }

    /** {@code host[:port]} of an origin, lower case, the scheme's default port left out; "" when unparseable. */
    static String normalizeOrigin(String origin) {
        try {
            URI uri = new URI(origin.strip());
            if (uri.getHost() == null || uri.getScheme() == null) {
                return "";
            }
            return authority(uri.getHost(), uri.getPort(), uri.getScheme());
        } catch (URISyntaxException malformed) {
            return "";
        }
    }

    private static String authority(@Nullable String host, int port, @Nullable String scheme) {
        String h = host == null ? "" : host.toLowerCase(Locale.ROOT);
        boolean defaultPort = port == -1 || ("http".equalsIgnoreCase(scheme) && port == 80)
                || ("https".equalsIgnoreCase(scheme) && port == 443);
        return defaultPort ? h : h + ":" + port;
    }
}
