package io.kvasir.gateway.admin;

import io.kvasir.gateway.admin.stats.CacheInsights;
import io.kvasir.gateway.admin.stats.LiveStatistics;
import io.kvasir.gateway.api.ApiException;
import io.kvasir.gateway.engine.ModelCatalog;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Live statistics and the cache view under {@code /admin/api}: {@code GET /stats/stream} is a server-sent event
 * stream with one {@code stats} event per second; {@code GET /stats} is one sample; {@code GET /cache/{model}}
 * explains what a model's KV cache is doing.
 */
@RestController
@RequestMapping("/admin/api")
public class StatsAdminController {

    private final LiveStatistics statistics;
    private final CacheInsights cache;
    private final ModelCatalog catalog;

    public StatsAdminController(LiveStatistics statistics, CacheInsights cache, ModelCatalog catalog) {
        this.statistics = statistics;
        this.cache = cache;
        this.catalog = catalog;
    }

    /** One {@code stats} event per second, the event id its sample time in milliseconds. */
    @GetMapping(path = "/stats/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    public Flux<ServerSentEvent<LiveStatistics.StatsEvent>> stream() {
        return statistics.stream().map(event -> ServerSentEvent.builder(event).event("stats")
                .id(Long.toString(event.time().toEpochMilli())).build());
    }

    /** One sample now (the stream's event data). */
    @GetMapping("/stats")
    public Mono<LiveStatistics.StatsEvent> sample() {
        return Mono.fromCallable(statistics::sample);
    }

    @GetMapping("/cache/{model}")
    public Mono<CacheInsights.CacheView> cache(@PathVariable String model) {
        return Mono.fromCallable(() -> cache.view(catalog.deployment(model).orElseThrow(() -> new ApiException(
                HttpStatus.NOT_FOUND, "invalid_request_error", "model_not_found", "model",
                "No model named '" + model + "' is served."))));
    }
}
