package io.kvasir.gateway.api;

import io.kvasir.gateway.api.json.JsonBody;
import io.kvasir.gateway.api.json.JsonFields;
import io.kvasir.gateway.engine.ModelCatalog;
import io.kvasir.gateway.engine.ModelEngine;
import io.kvasir.gateway.tenant.Tenant;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.reactive.function.server.ServerRequest;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.Connection;

/**
 * What every API handler does first: read the body (bounded by the codec's in-memory limit: larger bodies are
 * a 413) and parse it strictly off the network thread, find the tenant the authentication filter attached,
 * and find the model.
 */
public final class ApiRequests {

    private ApiRequests() {
    }

    /** The request body as a JSON object; parsing runs on a worker, never on the event loop. */
    public static Mono<JsonFields> jsonBody(ServerRequest request) {
        return request.bodyToMono(byte[].class)
                .defaultIfEmpty(new byte[0])
                .publishOn(Schedulers.parallel())
                .map(JsonBody::parseObject);
    }

    /**
     * Where a response's events should be handled: the event loop of the request's connection, which writes the
     * response anyway, so an engine event reaches the socket with one thread hand-off (engine loop to event loop)
     * instead of two (to a worker, then to the event loop). Encoding a chunk is a few microseconds of work, as
     * is usual on a Netty event loop. Requests that do not come through Reactor Netty (mock exchanges in tests)
     * get the parallel scheduler.
     */
    public static Scheduler responseThread(ServerRequest request) {
        Object nativeRequest = ServerHttpRequestDecorator.getNativeRequest(request.exchange().getRequest());
        if (nativeRequest instanceof Connection connection) {
            return Schedulers.fromExecutor(connection.channel().eventLoop());
        }
        return Schedulers.parallel();
    }

    /**
     * The tenant the authentication filter put on the exchange. Its absence means the request was not
     * authenticated, so it is refused (never served as some default tenant).
     */
    public static Tenant tenant(ServerRequest request) {
        return request.attribute(Tenant.ATTRIBUTE)
                .filter(Tenant.class::isInstance)
                .map(Tenant.class::cast)
                .orElseThrow(() -> new ApiException(HttpStatus.UNAUTHORIZED, "invalid_request_error",
                        "invalid_api_key", null, "This request is not authenticated; send an API key as 'Authorization: Bearer <key>'."));
    }

    /** The served model of that name, or a 404 {@code model_not_found}. */
    public static ModelEngine model(ModelCatalog catalog, String name) {
        return catalog.find(name).orElseThrow(() -> ApiException.modelNotFound(name));
    }

    /** A fresh response id with the given prefix ({@code chatcmpl}, {@code cmpl}). */
    public static String newId(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().replace("-", "");
    }
}
