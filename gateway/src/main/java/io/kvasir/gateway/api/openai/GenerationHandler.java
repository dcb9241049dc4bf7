package io.kvasir.gateway.api.openai;

import io.kvasir.gateway.api.ApiProperties;
import io.kvasir.gateway.api.ApiRequests;
import io.kvasir.gateway.api.generation.ChoiceEvent;
import io.kvasir.gateway.api.generation.ChunkEncoder;
import io.kvasir.gateway.api.generation.CollectedChoice;
import io.kvasir.gateway.api.generation.EventStream;
import io.kvasir.gateway.api.generation.GenerationPlan;
import io.kvasir.gateway.api.generation.GenerationRunner;
import io.kvasir.gateway.api.json.JsonFields;
import io.kvasir.gateway.engine.ModelCatalog;
import io.kvasir.gateway.metrics.GatewayMetrics;
import io.kvasir.gateway.tenant.Tenant;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import tools.jackson.databind.json.JsonMapper;

/**
 * The flow shared by the generation endpoints: tenant, strict body, validated request, plan (every refusal so
 * far is a 4xx before any work), then either a streamed response or one collected document. Subclasses say how
 * their format reads and writes.
 *
 * @param <R> the endpoint's validated request
 */
public abstract class GenerationHandler<R extends GenerationHandler.Request> {

    /** What the shared flow needs to know of a validated request. */
    public interface Request {

        /** Whether the client asked for a stream. */
        boolean stream();

        /** Whether the stream should end with a usage chunk. */
        boolean includeUsage();

        /** The sampling options (for log-probabilities). */
        SamplingOptions sampling();
    }

    protected final ModelCatalog catalog;
    protected final ApiProperties properties;
    private final GenerationRunner runner;
    private final GatewayMetrics metrics;
    private final JsonMapper json;

    protected GenerationHandler(ModelCatalog catalog, GenerationRunner runner, ApiProperties properties,
            GatewayMetrics metrics, JsonMapper json) {
        this.catalog = catalog;
        this.runner = runner;
        this.properties = properties;
        this.metrics = metrics;
        this.json = json;
    }

    /** Reads and validates the body. */
    protected abstract R read(JsonFields body);

    /** Tokenizes the prompts and plans the engine requests. */
    protected abstract GenerationPlan plan(R request, Tenant tenant);

    /** The chunk format of a streamed response. */
    protected abstract ChunkEncoder encoder(R request, GenerationPlan plan, long created);

    /** The document of a non-streamed response. */
    protected abstract Object document(R request, GenerationPlan plan, long created, List<CollectedChoice> choices);

    /** Serves one HTTP request. */
    public Mono<ServerResponse> handle(ServerRequest request) {
        long arrivalNanos = System.nanoTime();
        long created = System.currentTimeMillis() / 1000;
        return Mono.fromSupplier(() -> ApiRequests.tenant(request))
                .flatMap(tenant -> ApiRequests.jsonBody(request)
                        .map(body -> {
                            R validated = read(body);
                            return new Planned<>(validated, plan(validated, tenant));
                        })
                        .doOnError(failure -> metrics.countRefused(tenant.id(), failure)))
                .flatMap(planned -> respond(planned.request(), planned.plan(), arrivalNanos, created,
                        ApiRequests.responseThread(request)));
    }

    private Mono<ServerResponse> respond(R request, GenerationPlan plan, long arrivalNanos, long created,
            Scheduler responseThread) {
        Flux<ChoiceEvent> events = runner.run(plan, arrivalNanos, responseThread);
        if (request.stream()) {
            return EventStream.respond(events, plan.numChoices(), encoder(request, plan, created),
                    properties.heartbeatInterval(), json);
        }
        return CollectedChoice.collect(events, plan.numChoices(), request.sampling().logprobs())
                .flatMap(choices -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(document(request, plan, created, choices)));
    }

    private record Planned<R>(R request, GenerationPlan plan) {
    }
}
