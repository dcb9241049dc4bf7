package io.kvasir.gateway.engine;

import io.kvasir.api.GenerationRequest;
import reactor.core.publisher.Flux;

/**
 * Sees every generation a {@link ModelDeployment} serves, for live statistics: it wraps the stream before the
 * caller subscribes. Implementations must pass every signal through unchanged and must not block (tokens arrive
 * on the engine's loop thread).
 */
@FunctionalInterface
public interface GenerationObserver {

    /** Observes nothing. */
    GenerationObserver NONE = (model, request, generation) -> generation;

    /**
     * The generation as the caller gets it.
     *
     * @param model the served model's name
     * @param request what was asked
     * @param generation the cold stream of the generation
     */
    Flux<GenerationEvent> observe(String model, GenerationRequest request, Flux<GenerationEvent> generation);
}
