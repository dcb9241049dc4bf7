package io.kvasir.gateway.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * The admin console's static files, served at {@code /admin/} from {@code kvasir-admin/} on the class path (the
 * {@code kvasir-admin-ui} jar, which {@code ./kvasir serve} puts there; the gateway does not depend on it).
 *
 * <ul>
 *   <li>{@code GET /admin} redirects to {@code /admin/}; {@code /admin/} and {@code /admin/index.html} answer the
 *       page, never cached, with a content security policy that allows only this origin's scripts and calls;</li>
 *   <li>{@code GET /admin/assets/**} answers the built files (content-hashed names, cached for a year); a path
 *       leaving the directory or naming no file is 404;</li>
 *   <li>without the jar, {@code /admin/} is 404 with an OpenAI-style error saying how to install it.</li>
 * </ul>
 * These files hold no secrets and need no credentials ({@link #isStaticRequest}); every {@code /admin/api} call
 * does.
 */
public final class AdminConsole {

    /** Where the console is served. */
    public static final String PATH = "/admin/";
    /** Where its built files are served. */
    public static final String ASSETS_PATH = "/admin/assets/";
    /** Where the admin-ui jar keeps the files. */
    public static final String CLASSPATH_LOCATION = "kvasir-admin/";

    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline';"
            + " img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self';"
            + " frame-ancestors 'none'";

    private final byte @Nullable [] indexHtml;
    private final Resource assets;

    private AdminConsole(byte @Nullable [] indexHtml, Resource assets) {
        this.indexHtml = indexHtml;
        this.assets = assets;
    }

    /** The console as the class path holds it (possibly not at all). */
    public static AdminConsole fromClassPath(ClassLoader loader) {
        Resource index = new ClassPathResource(CLASSPATH_LOCATION + "index.html", loader);
        return new AdminConsole(read(index), new ClassPathResource(CLASSPATH_LOCATION + "assets/", loader));
    }

    /** Whether the console's files are on the class path. */
    public boolean installed() {
        return indexHtml != null;
    }

    /**
     * Whether a request asks for the console's static files, which need no admin credentials: a GET or HEAD of
     * {@code /admin}, {@code /admin/}, {@code /admin/index.html} or a path under {@code /admin/assets/} (exact
     * letter case; anything else under {@code /admin} is the admin API's and needs credentials).
     */
    public static boolean isStaticRequest(@Nullable HttpMethod method, String path) {
        if (method != HttpMethod.GET && method != HttpMethod.HEAD) {
            return false;
        }
        return path.equals("/admin") || path.equals(PATH) || path.equals(PATH + "index.html")
                || (path.startsWith(ASSETS_PATH) && path.length() > ASSETS_PATH.length());
    }

    /** The routes of the page and its files. */
    public RouterFunction<ServerResponse> routes() {
        RouterFunction<ServerResponse> page = RouterFunctions
                .route(RequestPredicates.GET("/admin"), request -> ServerResponse.status(HttpStatus.PERMANENT_REDIRECT)
                        .header(HttpHeaders.LOCATION, PATH).build())
                .andRoute(RequestPredicates.GET(PATH).or(RequestPredicates.GET(PATH + "index.html")), request -> index());
        if (!installed()) {
            return page;
        }
        return page.and(RouterFunctions.resources(ASSETS_PATH + "**", assets, (resource, headers) -> {
            headers.setCacheControl(CacheControl.maxAge(Duration.ofDays(365)).cachePublic().immutable());
            headers.set("X-Content-Type-Options", "nosniff");
        }));
    }

    private Mono<ServerResponse> index() {
        if (indexHtml == null) {
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("message", "The admin console is not installed: put the kvasir-admin-ui jar on the gateway's"
                    + " class path (./kvasir serve does). The admin API under /admin/api works without it.");
            error.put("type", "invalid_request_error");
            error.put("param", null);
            error.put("code", "console_not_installed");
            return ServerResponse.status(HttpStatus.NOT_FOUND).contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of("error", error));
        }
        return ServerResponse.ok()
                .contentType(new MediaType(MediaType.TEXT_HTML, java.nio.charset.StandardCharsets.UTF_8))
                .cacheControl(CacheControl.noCache())
                .header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "no-referrer")
                .bodyValue(indexHtml);
    }

    private static byte @Nullable [] read(Resource resource) {
        if (!resource.exists()) {
            return null;
        }
        try (InputStream in = resource.getInputStream()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the admin console's " + resource, e);
        }
    }
}
