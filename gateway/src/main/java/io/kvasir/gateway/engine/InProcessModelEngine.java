package io.kvasir.gateway.engine;

import io.kvasir.api.GenerationListener;
import io.kvasir.api.GenerationRequest;
import io.kvasir.api.GenerationResult;
import io.kvasir.api.TokenOutput;
import io.kvasir.api.plugin.PrefixCacheStats;
import io.kvasir.engine.chat.ChatMessage;
import io.kvasir.engine.loop.Engine;
import io.kvasir.engine.loop.EngineStats;
import io.kvasir.engine.loop.LiveConfig;
import io.kvasir.engine.loop.RequestHandle;
import io.kvasir.engine.model.LoadedModel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;

/**
 * A {@link ModelEngine} backed by an {@link Engine} in this process. Tokens arrive on the engine's loop thread
 * and are handed to the subscriber's sink; a cancelled subscription cancels the engine request.
 */
public final class InProcessModelEngine implements ModelEngine {

    private final String name;
    private final LoadedModel model;
    private final Engine engine;
    private final AutoCloseable modelRelease;
    private final ModelInfo info;

    /** Takes ownership of both: {@link #close()} stops the engine and unmaps the model. */
    public InProcessModelEngine(String name, LoadedModel model, Engine engine) {
        this(name, engine, model);
    }

    /**
     * Takes ownership of the engine; {@link #close()} stops it, then closes {@code modelRelease} (which unmaps
     * the engine's model or gives back a lease on it, when other instances share the file).
     */
    public InProcessModelEngine(String name, Engine engine, AutoCloseable modelRelease) {
        this.name = name;
        this.model = engine.model();
        this.engine = engine;
        this.modelRelease = modelRelease;
        this.info = new ModelInfo(name, model.path(), model.config().architecture(), engine.maxContextTokens(),
                model.config().vocabSize(), Instant.now().getEpochSecond());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public ModelInfo info() {
        return info;
    }

    @Override
    public int[] tokenize(String text, boolean addSpecial) {
        var tokenizer = model.tokenizer();
        return tokenizer.encode(text, addSpecial && tokenizer.addBosByDefault(), addSpecial);
    }

    @Override
    public String detokenize(int[] tokenIds) {
        return model.tokenizer().decode(tokenIds);
    }

    @Override
    public byte[] tokenBytes(int tokenId) {
        return model.tokenizer().tokenBytes(tokenId);
    }

    @Override
    public int[] chatPrompt(List<ChatMessage> messages) {
        return model.encodeChat(messages);
    }

    @Override
    public Flux<GenerationEvent> generate(GenerationRequest request) {
        return Flux.create(sink -> {
            SinkListener listener = new SinkListener(sink);
            RequestHandle handle = engine.submit(request, listener);
            sink.onCancel(handle::cancel);
            listener.queued(handle.requestId());
        }, FluxSink.OverflowStrategy.BUFFER);
    }

    @Override
    public EngineStats stats() {
        return engine.stats();
    }

    @Override
    public @Nullable PrefixCacheStats prefixCacheStats() {
        return engine.prefixCacheStats();
    }

    @Override
    public boolean isHealthy() {
        return engine.isHealthy();
    }

    /** The engine underneath, for statistics the gateway's metrics read. */
    public Engine engine() {
        return engine;
    }

    /** Installs the live part of a configuration at the engine's next step ({@link Engine#reconfigure}). */
    public CompletableFuture<LiveConfig> reconfigure(LiveConfig live) {
        return engine.reconfigure(live);
    }

    @Override
    public void close() {
        try {
            engine.close();
        } finally {
            try {
                modelRelease.close();
            } catch (Exception e) {
                throw new IllegalStateException("cannot release model " + model.path(), e);
            }
        }
    }

    /**
     * Forwards engine callbacks (on the loop thread) to a Reactor sink, after the {@link GenerationEvent.Queued}
     * that the submitting thread sends once {@code submit} returned: callbacks that arrive before it are held
     * back, so the stream's order is always Queued, tokens, end.
     */
    private static final class SinkListener implements GenerationListener {

        private final FluxSink<GenerationEvent> sink;
        private @Nullable List<Runnable> heldBack = new ArrayList<>();

        SinkListener(FluxSink<GenerationEvent> sink) {
            this.sink = sink;
        }

        void queued(String requestId) {
            List<Runnable> early;
            synchronized (this) {
                sink.next(new GenerationEvent.Queued(requestId));
                early = heldBack;
                heldBack = null;
                early.forEach(Runnable::run);
            }
        }

        private synchronized void deliver(Runnable signal) {
            if (heldBack != null) {
                heldBack.add(signal);
            } else {
                signal.run();
            }
        }

        @Override
        public void onToken(TokenOutput token) {
            deliver(() -> sink.next(new GenerationEvent.Token(token)));
        }

        @Override
        public void onComplete(GenerationResult result) {
            deliver(() -> {
                sink.next(new GenerationEvent.Finished(result));
                sink.complete();
            });
        }

        @Override
        public void onError(Throwable error) {
            deliver(() -> sink.error(error));
        }
    }
}
