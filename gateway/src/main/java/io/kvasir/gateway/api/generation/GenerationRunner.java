package io.kvasir.gateway.api.generation;

import io.kvasir.api.FinishReason;
import io.kvasir.api.GenerationRequest;
import io.kvasir.api.GenerationResult;
import io.kvasir.gateway.admission.Admission;
import io.kvasir.gateway.api.ApiException;
import io.kvasir.gateway.engine.GenerationEvent;
import io.kvasir.gateway.metrics.GatewayMetrics;
import io.kvasir.gateway.server.Drain;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SynchronousSink;
import reactor.core.scheduler.Scheduler;

/**
 * Runs a {@link GenerationPlan}: admission for the tenant, one engine request per choice (merged), the drain
 * cut-off at shutdown, and metrics. The returned stream is cold and cancellable: cancelling it (the client went
 * away) cancels every engine request of the plan, whose KV blocks return to the pool within one engine step
 * (RELIABILITY.md item 19), and releases the admission permit.
 *
 * <p>Admission: the tenant, model, prompt tokens and the most tokens the choices may generate are admitted
 * before any engine work; the permit is held for the whole run and settled exactly once when it completes, fails,
 * is cancelled or is cut by the drain (or when starting the engine requests throws): first the tokens really used
 * (every prompt once, every token generated so far) for the tenant's token budget and usage, then the release.
 *
 * <p>The stream carries each choice's {@link GenerationEvent.Queued}, tokens and {@link GenerationEvent.Finished}
 * (with {@code stop} or {@code length}); everything else ends it with an error: an engine failure (500), a
 * request the engine stopped serving or the drain deadline (503). Engine events are handed off the engine's
 * loop thread at once, to the thread the caller names (the connection's event loop, which writes them), so
 * encoding and writing responses never slows the engine.
 */
@Component
public class GenerationRunner {

    private static final Logger log = LoggerFactory.getLogger(GenerationRunner.class);

    private final Admission admission;
    private final Drain drain;
    private final GatewayMetrics metrics;

    public GenerationRunner(Admission admission, Drain drain, GatewayMetrics metrics) {
        this.admission = admission;
        this.drain = drain;
        this.metrics = metrics;
    }

    /**
     * The plan's events, choice by choice as they come.
     *
     * @param arrivalNanos when the HTTP request arrived ({@link System#nanoTime()}), for time to first token
     * @param responseThread where the events are delivered: never the engine's loop thread
     */
    public Flux<ChoiceEvent> run(GenerationPlan plan, long arrivalNanos, Scheduler responseThread) {
        RunObserver observer = new RunObserver(plan, arrivalNanos, metrics);
        return Flux.defer(() -> {
                    if (drain.isDraining()) {
                        return Flux.error(ApiException.shuttingDown("The server is shutting down; retry on another instance."));
                    }
                    int maxTokens = (int) Math.min(Integer.MAX_VALUE, plan.maxTokensTotal());
                    return admission.admit(plan.tenant(), plan.model(), plan.totalPromptTokens(), maxTokens)
                            .flatMapMany(permit -> Flux.using(() -> permit, held -> generate(plan, responseThread),
                                    held -> settle(held, plan, observer)));
                })
                .doOnNext(observer::onEvent)
                .doOnComplete(observer::completed)
                .doOnError(observer::failed)
                .doOnCancel(observer::cancelled);
    }

    private Flux<ChoiceEvent> generate(GenerationPlan plan, Scheduler responseThread) {
        List<Flux<ChoiceEvent>> choices = new ArrayList<>(plan.numChoices());
        for (int i = 0; i < plan.numChoices(); i++) {
            int index = i;
            GenerationRequest request = plan.requests().get(i);
            choices.add(plan.engine().generate(request)
                    .<ChoiceEvent>handle((event, sink) -> forward(index, event, sink)));
        }
        AtomicInteger numFinished = new AtomicInteger();
        Flux<ChoiceEvent> merged = Flux.merge(choices)
                .publishOn(responseThread)
                .doOnNext(e -> {
                    if (e.event() instanceof GenerationEvent.Finished) {
                        numFinished.incrementAndGet();
                    }
                });
        return drain.track(merged)
                .concatWith(Mono.defer(() -> numFinished.get() < plan.numChoices()
                        ? Mono.error(ApiException.shuttingDown(
                                "The server shut down before the generation finished; the output is incomplete."))
                        : Mono.empty()));
    }

    /** Tells admission what the request used and gives its permit back: once, however the run ended. */
    private static void settle(Admission.Permit permit, GenerationPlan plan, RunObserver observer) {
        permit.recordTokens(plan.totalPromptTokens(), observer.numGeneratedTokens());
        permit.release();
    }

    private static void forward(int index, GenerationEvent event, SynchronousSink<ChoiceEvent> sink) {
        if (event instanceof GenerationEvent.Finished(GenerationResult result)
                && result.finishReason() != FinishReason.STOP && result.finishReason() != FinishReason.LENGTH) {
            sink.error(unfinished(result));
            return;
        }
        sink.next(new ChoiceEvent(index, event));
    }

    private static ApiException unfinished(GenerationResult result) {
        if (result.finishReason() == FinishReason.CANCELLED) {
            return new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "server_error", "model_stopped", null,
                    "The model stopped serving before the generation finished; retry the request.",
                    java.time.Duration.ofSeconds(1));
        }
        log.error("engine failed request {}: {}", result.requestId(), result.error());
        return new ApiException(HttpStatus.INTERNAL_SERVER_ERROR, "server_error", "engine_error", null,
                "The engine failed while generating; the failure has been logged.");
    }
}
