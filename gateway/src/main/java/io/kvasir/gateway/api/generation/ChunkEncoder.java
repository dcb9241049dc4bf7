package io.kvasir.gateway.api.generation;

import io.kvasir.api.GenerationResult;
import io.kvasir.api.TokenOutput;
import org.jspecify.annotations.Nullable;

/**
 * Turns one streaming request's events into the chunk objects of its API format. Stateful, one per request;
 * called serially.
 */
public interface ChunkEncoder {

    /** The chunk for a token of choice {@code index}, or null when it adds nothing to send. */
    @Nullable Object token(int index, TokenOutput token);

    /** The last chunk of choice {@code index}, carrying its finish reason. */
    Object finish(int index, GenerationResult result);

    /** The chunk with the usage of all choices, sent after every choice finished, or null when not asked for. */
    @Nullable Object usage();
}
