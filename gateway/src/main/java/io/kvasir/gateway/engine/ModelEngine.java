package io.kvasir.gateway.engine;

import io.kvasir.api.GenerationRequest;
import io.kvasir.engine.chat.ChatMessage;
import io.kvasir.engine.loop.EngineStats;
import java.util.List;
import reactor.core.publisher.Flux;

/**
 * The gateway's only view of an engine serving one model. The in-process implementation wraps an
 * {@link io.kvasir.engine.loop.Engine}; a remote engine worker can implement the same contract later.
 *
 * <p>Invariants: {@link #generate} is cold (nothing runs until subscription); cancelling the subscription
 * cancels the engine request, whose blocks return to the pool within one engine step; the stream ends with
 * exactly one {@link GenerationEvent.Finished} or an error.
 */
public interface ModelEngine extends AutoCloseable {

    /** The name clients use in the {@code model} field. */
    String name();

    /** Facts about the model for {@code /v1/models} and request validation. */
    ModelInfo info();

    /** Text to token ids; {@code addSpecial} adds BOS as the model's metadata asks and parses special tokens. */
    int[] tokenize(String text, boolean addSpecial);

    /** Token ids to text. */
    String detokenize(int[] tokenIds);

    /** Renders the messages with the model's chat template (generation prompt appended) and tokenizes them. */
    int[] chatPrompt(List<ChatMessage> messages);

    /**
     * Streams one generation. Errors: {@link io.kvasir.api.InvalidRequestException} for a request the model
     * cannot take, {@link io.kvasir.engine.loop.EngineOverloadedException} when the engine's queue is full.
     */
    Flux<GenerationEvent> generate(GenerationRequest request);

    /** A snapshot of the engine's counters. */
    EngineStats stats();

    /** Whether the engine is alive and accepting work (the readiness probe asks the engine, not HTTP). */
    boolean isHealthy();

    @Override
    void close();
}
