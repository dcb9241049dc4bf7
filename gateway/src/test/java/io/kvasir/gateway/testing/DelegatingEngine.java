package io.kvasir.gateway.testing;

import io.kvasir.api.GenerationRequest;
import io.kvasir.api.plugin.PrefixCacheStats;
import io.kvasir.engine.chat.ChatMessage;
import io.kvasir.engine.loop.EngineStats;
import io.kvasir.gateway.engine.GenerationEvent;
import io.kvasir.gateway.engine.ModelEngine;
import io.kvasir.gateway.engine.ModelInfo;
import java.util.List;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;

/**
 * A test engine served under its own name that delegates to a real engine the catalog owns (so closing it
 * closes nothing); subclasses change {@link #generate}.
 */
public class DelegatingEngine implements ModelEngine {

    protected final ModelEngine delegate;
    private final String name;

    public DelegatingEngine(String name, ModelEngine delegate) {
        this.name = name;
        this.delegate = delegate;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public ModelInfo info() {
        ModelInfo i = delegate.info();
        return new ModelInfo(name, i.file(), i.architecture(), i.contextLength(), i.vocabSize(), i.createdEpochSeconds());
    }

    @Override
    public int[] tokenize(String text, boolean addSpecial) {
        return delegate.tokenize(text, addSpecial);
    }

    @Override
    public String detokenize(int[] tokenIds) {
        return delegate.detokenize(tokenIds);
    }

    @Override
    public byte[] tokenBytes(int tokenId) {
        return delegate.tokenBytes(tokenId);
    }

    @Override
    public int[] chatPrompt(List<ChatMessage> messages) {
        return delegate.chatPrompt(messages);
    }

    @Override
    public Flux<GenerationEvent> generate(GenerationRequest request) {
        return delegate.generate(request);
    }

    @Override
    public EngineStats stats() {
        return delegate.stats();
    }

    @Override
    public @Nullable PrefixCacheStats prefixCacheStats() {
        return delegate.prefixCacheStats();
    }

    @Override
    public boolean isHealthy() {
        return delegate.isHealthy();
    }

    @Override
    public void close() {
        // the delegate belongs to the catalog
    }
}
