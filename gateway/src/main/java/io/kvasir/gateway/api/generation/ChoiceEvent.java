package io.kvasir.gateway.api.generation;

import io.kvasir.gateway.engine.GenerationEvent;

/**
 * One engine event of one choice of a fanned-out request.
 *
 * @param index the choice's index in the response ({@code promptIndex * n + i})
 */
public record ChoiceEvent(int index, GenerationEvent event) {
}
