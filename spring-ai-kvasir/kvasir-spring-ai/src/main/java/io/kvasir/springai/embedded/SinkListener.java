package io.kvasir.springai.embedded;

import io.kvasir.api.GenerationListener;
import io.kvasir.api.GenerationResult;
import io.kvasir.api.TokenOutput;
import io.kvasir.springai.KvasirChatChunk;
import io.kvasir.springai.KvasirUsage;
import reactor.core.publisher.FluxSink;

/**
 * Hands one request's tokens from the engine's loop thread to a reactive sink, without blocking: text
 * chunks as the detokenizer releases text, then the final chunk with the finish reason and usage.
 */
final class SinkListener implements GenerationListener {

    private final FluxSink<KvasirChatChunk> sink;
    private final String responseId;
    private final String model;

    SinkListener(FluxSink<KvasirChatChunk> sink, String responseId, String model) {
        this.sink = sink;
        this.responseId = responseId;
        this.model = model;
    }

    @Override
    public void onToken(TokenOutput token) {
        if (!token.text().isEmpty()) {
            sink.next(KvasirChatChunk.text(responseId, model, token.text()));
        }
    }

    @Override
    public void onComplete(GenerationResult result) {
        String finishReason = switch (result.finishReason()) {
            case STOP -> KvasirChatChunk.FINISH_STOP;
            case LENGTH -> KvasirChatChunk.FINISH_LENGTH;
            case CANCELLED -> null;
            case ERROR -> null;
        };
        if (finishReason == null) {
            if (!sink.isCancelled()) {
                // Not cancelled by its subscriber: the engine shut down or failed under it.
                sink.error(new IllegalStateException("the engine ended request " + result.requestId() + " as "
                        + result.finishReason() + (result.error() == null ? "" : ": " + result.error())));
            }
            return;
        }
        KvasirUsage usage = new KvasirUsage(result.numPromptTokens(), result.numCachedPromptTokens(),
                result.numGeneratedTokens());
        sink.next(new KvasirChatChunk(responseId, model, "", finishReason, usage));
        sink.complete();
    }

    @Override
    public void onError(Throwable error) {
        sink.error(error);
    }
}
