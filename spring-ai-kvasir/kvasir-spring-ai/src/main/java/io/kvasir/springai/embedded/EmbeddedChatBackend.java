package io.kvasir.springai.embedded;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

import io.kvasir.api.GenerationRequest;
import io.kvasir.api.SamplingParams;
import io.kvasir.engine.chat.ChatMessage;
import io.kvasir.engine.loop.RequestHandle;
import io.kvasir.springai.KvasirChatBackend;
import io.kvasir.springai.KvasirChatChunk;
import io.kvasir.springai.KvasirChatOptions;
import io.kvasir.springai.KvasirChatRequest;
import io.kvasir.springai.KvasirMessage;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Serves chat requests with an in-process engine: the conversation goes through the model's chat template
 * and tokenizer, and the request is submitted to the engine with the options as sampling parameters.
 *
 * <p>The engine calls back on its loop thread, which must never block; chunks are handed on to the
 * subscriber on the delivery scheduler ({@link Schedulers#boundedElastic()} unless another is given), so a
 * slow or blocking subscriber delays only itself. Cancelling a subscription cancels its engine request: its
 * KV blocks return to the pool within one engine step.
 *
 * <p>Bad requests fail the publisher: {@link io.kvasir.api.InvalidRequestException} (empty or too long
 * prompt), {@link IllegalArgumentException} (a sampling value out of range, another model named),
 * {@link io.kvasir.engine.loop.EngineOverloadedException} (the engine's queue is full).
 */
public final class EmbeddedChatBackend implements KvasirChatBackend {

    private final KvasirEmbeddedEngine engine;
    private final String tenantId;
    private final Scheduler deliveryScheduler;
    private final AtomicLong numRequests = new AtomicLong();

    /**
     * @param engine the engine and its model
     * @param tenantId the tenant every request is accounted to (its prefix-cache entries are shared within it)
     * @param deliveryScheduler where subscribers receive chunks
     */
    public EmbeddedChatBackend(KvasirEmbeddedEngine engine, String tenantId, Scheduler deliveryScheduler) {
        this.engine = Objects.requireNonNull(engine, "engine");
        if (tenantId == null || tenantId.isBlank()) {
            throw new IllegalArgumentException("tenantId must not be blank");
        }
        this.tenantId = tenantId;
        this.deliveryScheduler = Objects.requireNonNull(deliveryScheduler, "deliveryScheduler");
    }

    /** A backend for the default tenant, delivering on {@link Schedulers#boundedElastic()}. */
    public EmbeddedChatBackend(KvasirEmbeddedEngine engine) {
        this(engine, GenerationRequest.DEFAULT_TENANT, Schedulers.boundedElastic());
    }

    /** The loaded model's name (its file name without {@code .gguf}). */
    @Override
    public String defaultModel() {
        return engine.model().name();
    }

    public KvasirEmbeddedEngine engine() {
        return engine;
    }

    @Override
    public Flux<KvasirChatChunk> stream(KvasirChatRequest request) {
        return Flux.defer(() -> {
            GenerationRequest generation = toGeneration(request);
            String model = defaultModel();
            return Flux.<KvasirChatChunk>create(sink -> submit(generation, sink, model), FluxSink.OverflowStrategy.BUFFER);
        }).publishOn(deliveryScheduler);
    }

    private void submit(GenerationRequest generation, FluxSink<KvasirChatChunk> sink, String model) {
        RequestHandle handle = engine.engine().submit(generation, new SinkListener(sink, generation.requestId(), model));
        sink.onCancel(handle::cancel);
    }

    private GenerationRequest toGeneration(KvasirChatRequest request) {
        KvasirChatOptions options = request.options();
        String model = options.getModel();
        if (model != null && !model.equals(defaultModel())) {
            throw new IllegalArgumentException("model: '" + model + "' is not served here; the embedded engine serves '"
                    + defaultModel() + "'");
        }
        SamplingParams sampling = EmbeddedSampling.of(options);
        List<ChatMessage> messages = new ArrayList<>(request.messages().size());
        for (KvasirMessage message : request.messages()) {
            messages.add(new ChatMessage(message.role(), message.content()));
        }
        int[] promptTokens = engine.model().encodeChat(messages);
        String requestId = "chatcmpl-kvasir-" + numRequests.incrementAndGet() + "-" + Long.toHexString(System.nanoTime());
        int priority = options.getPriority() == null ? 0 : options.getPriority();
        return new GenerationRequest(requestId, tenantId, promptTokens, sampling, priority);
    }
}
