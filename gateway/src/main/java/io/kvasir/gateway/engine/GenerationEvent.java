package io.kvasir.gateway.engine;

import io.kvasir.api.GenerationResult;
import io.kvasir.api.TokenOutput;

/** What a generation stream carries: tokens, then exactly one {@link Finished} as the last element. */
public sealed interface GenerationEvent {

    /** One generated token with its text (empty while a UTF-8 sequence is incomplete) and log-probabilities. */
    record Token(TokenOutput token) implements GenerationEvent {
    }

    /** The end of a generation: why it stopped, token counts and timings. */
    record Finished(GenerationResult result) implements GenerationEvent {
    }
}
