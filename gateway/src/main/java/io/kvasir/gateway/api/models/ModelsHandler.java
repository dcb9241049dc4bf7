package io.kvasir.gateway.api.models;

import io.kvasir.gateway.api.ApiRequests;
import io.kvasir.gateway.engine.ModelCatalog;
import io.kvasir.gateway.engine.ModelEngine;
import io.kvasir.gateway.engine.ModelInfo;
import java.util.Comparator;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/** {@code GET /v1/models} and {@code GET /v1/models/{id}}: the served models in OpenAI's shape. */
@Component
public class ModelsHandler {

    private final ModelCatalog catalog;

    public ModelsHandler(ModelCatalog catalog) {
        this.catalog = catalog;
    }

    /** One model; {@code max_model_len} (vLLM's field) is its context length. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Model(String id, String object, long created, String ownedBy, int maxModelLen) {

        static Model of(ModelInfo info) {
            return new Model(info.name(), "model", info.createdEpochSeconds(), "kvasir", info.contextLength());
        }
    }

    /** The list document. */
    public record ModelList(String object, List<Model> data) {
    }

    public Mono<ServerResponse> list(ServerRequest request) {
        return Mono.fromSupplier(() -> {
            ApiRequests.tenant(request);
            return new ModelList("list", catalog.all().stream().map(ModelEngine::info)
                    .sorted(Comparator.comparing(ModelInfo::name)).map(Model::of).toList());
        }).flatMap(ModelsHandler::ok);
    }

    public Mono<ServerResponse> get(ServerRequest request) {
        return Mono.fromSupplier(() -> {
            ApiRequests.tenant(request);
            return Model.of(ApiRequests.model(catalog, request.pathVariable("id")).info());
        }).flatMap(ModelsHandler::ok);
    }

    private static Mono<ServerResponse> ok(Object body) {
        return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(body);
    }
}
