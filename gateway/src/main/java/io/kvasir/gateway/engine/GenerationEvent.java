package io.kvasir.gateway.engine;

import io.kvasir.api.GenerationResult;
import io.kvasir.api.TokenOutput;

/**
 * What a generation stream carries: exactly one {@link Queued} first, then tokens, then exactly one
 * {@link Finished} as the last element (or an error instead of the remaining elements).
 *
 * <p>An error before {@link Queued} means the engine refused the request (invalid, overloaded); after it, the
 * engine failed while serving it. The gateway relies on that split: it commits an HTTP response only after the
 * engine accepted the request, so refusals always get their own status code.
 */
public sealed interface GenerationEvent {

    /** The engine accepted the request and queued it; no refusal can follow. */
    record Queued(String requestId) implements GenerationEvent {
    }

    /** One generated token with its text (empty while a UTF-8 sequence is incomplete) and log-probabilities. */
    record Token(TokenOutput token) implements GenerationEvent {
    }

    /** The end of a generation: why it stopped, token counts and timings. */
    record Finished(GenerationResult result) implements GenerationEvent {
    }
}
