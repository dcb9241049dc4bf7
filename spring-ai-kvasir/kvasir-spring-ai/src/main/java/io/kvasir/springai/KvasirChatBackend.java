package io.kvasir.springai;

import org.jspecify.annotations.Nullable;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Serves chat requests for {@link KvasirChatModel}: an in-process engine
 * ({@link io.kvasir.springai.embedded.EmbeddedChatBackend}) or a Kvasir gateway over HTTP
 * ({@link io.kvasir.springai.remote.RemoteChatBackend}).
 *
 * <p>Contract: nothing happens until a returned publisher is subscribed; every subscription is one
 * request; cancelling the subscription cancels the request (the engine frees its KV blocks, or the HTTP
 * connection is closed). Bad requests fail the publisher with an exception naming the parameter.
 */
public interface KvasirChatBackend {

    /** The model a request gets when its options name none, or null when requests must name one. */
    @Nullable String defaultModel();

    /** The response as it is generated: text chunks, then one final chunk (see {@link KvasirChatChunk}). */
    Flux<KvasirChatChunk> stream(KvasirChatRequest request);

    /** The whole response as one final chunk. By default, the joined {@link #stream}. */
    default Mono<KvasirChatChunk> complete(KvasirChatRequest request) {
        return Mono.defer(() -> {
            ChunkJoiner joiner = new ChunkJoiner();
            return stream(request).doOnNext(joiner::add).then(Mono.fromSupplier(joiner::result));
        });
    }
}
