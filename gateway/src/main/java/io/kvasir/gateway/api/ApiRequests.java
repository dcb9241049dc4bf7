package io.kvasir.gateway.api;

import io.kvasir.gateway.api.json.JsonBody;
import io.kvasir.gateway.api.json.JsonFields;
import io.kvasir.gateway.engine.ModelCatalog;
import io.kvasir.gateway.engine.ModelEngine;
import io.kvasir.gateway.tenant.Tenant;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.server.ServerRequest;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

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
