package io.kvasir.gateway.security;

import io.kvasir.gateway.api.ApiException;
import java.util.Locale;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Refuses request paths that could mean one thing to this filter chain and another to a router or proxy
 * (RELIABILITY.md item 16): dot segments ({@code /v1/../admin}), empty segments ({@code //admin}), encoded
 * slashes, backslashes, dots or percent signs ({@code %2F}, {@code %5C}, {@code %2E}, {@code %25}), path
 * parameters ({@code ;}), and control characters. Answers 400 {@code invalid_path}; no API path needs any of them.
 *
 * <p>Runs first, so every later filter (the admin and API key filters among them) sees only plain paths.
 */
@Component
public class PathGuardFilter implements WebFilter, Ordered {

    /** Before any other Kvasir filter. */
    public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 10;

    private static final String[] FORBIDDEN_ENCODINGS = {"%2f", "%5c", "%2e", "%25", "%00", "%3b"};

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String rawPath = exchange.getRequest().getURI().getRawPath();
        String problem = problemWith(rawPath);
        if (problem != null) {
            return Rejections.reject(new ApiException(org.springframework.http.HttpStatus.BAD_REQUEST,
                    "invalid_request_error", "invalid_path", null, "The request path is not allowed: " + problem + "."));
        }
        return chain.filter(exchange);
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    /** Why {@code rawPath} is refused, or null when it is a plain path. */
    static String problemWith(String rawPath) {
        if (rawPath == null || rawPath.isEmpty()) {
            return null;
        }
        if (!rawPath.startsWith("/")) {
            return "it must start with '/'";
        }
        for (int i = 0; i < rawPath.length(); i++) {
            char c = rawPath.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return "control characters";
            }
            if (c == '\\') {
                return "backslashes";
            }
            if (c == ';') {
                return "path parameters (';')";
            }
        }
        String lower = rawPath.toLowerCase(Locale.ROOT);
        for (String encoded : FORBIDDEN_ENCODINGS) {
            if (lower.contains(encoded)) {
                return "encoded '" + encoded + "'";
            }
        }
        if (rawPath.contains("//")) {
            return "empty segments ('//')";
        }
        for (String segment : rawPath.split("/", -1)) {
            if (segment.equals(".") || segment.equals("..")) {
                return "dot segments ('" + segment + "')";
            }
        }
        return null;
    }
}
