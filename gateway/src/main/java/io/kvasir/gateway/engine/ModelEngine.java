package io.kvasir.gateway.engine;

import io.kvasir.api.GenerationRequest;
import io.kvasir.api.plugin.PrefixCacheStats;
import io.kvasir.engine.chat.ChatMessage;
import io.kvasir.engine.loop.EngineStats;
import java.util.List;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;

/**
 * The gateway's only view of an engine serving one model. The in-process implementation wraps an
 * {@link io.kvasir.engine.loop.Engine}; a remote engine worker can implement the same contract later.
 *
 * <p>Invariants: {@link #generate} is cold (nothing runs until subscription); cancelling the subscription
 * cancels the engine request, whose blocks return to the pool within one engine step; the stream starts with
 * one {@link GenerationEvent.Queued} once the engine accepted the request and ends with exactly one
 * {@link GenerationEvent.Finished} or an error.
 */
public interface ModelEngine extends AutoCloseable {

    /** The name clients use in the {@code model} field. */
    String name();

    /** Facts about the model for {@code /v1/models} and request validation. */
    ModelInfo info();

    /** Text to token ids; {@code addSpecial} adds BOS as the model's metadata asks and parses special tokens. */
    int[] tokenize(String text, boolean addSpecial);

    /** Token ids to text (invalid UTF-8 becomes U+FFFD). */
    String detokenize(int[] tokenIds);

    /** The bytes one token contributes to output (empty for control tokens; not always valid UTF-8 alone). */
    byte[] tokenBytes(int tokenId);

    /** Renders the messages with the model's chat template (generation prompt appended) and tokenizes them. */
    int[] chatPrompt(List<ChatMessage> messages);

    /**
     * Streams one generation. Errors before {@link GenerationEvent.Queued}:
     * {@link io.kvasir.api.InvalidRequestException} for a request the model cannot take,
     * {@link io.kvasir.engine.loop.EngineOverloadedException} when the engine's queue is full.
     */
    Flux<GenerationEvent> generate(GenerationRequest request);

    /** A snapshot of the engine's counters. */
    EngineStats stats();

    /** Prefix-cache counters as of the last engine step, or null when the model runs without prefix caching. */
    @Nullable PrefixCacheStats prefixCacheStats();

    /** Whether the engine is alive and accepting work (the readiness probe asks the engine, not HTTP). */
    boolean isHealthy();

    @Override
    void close();
}
