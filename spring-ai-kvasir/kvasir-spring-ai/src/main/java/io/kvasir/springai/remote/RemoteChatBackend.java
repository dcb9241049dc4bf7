package io.kvasir.springai.remote;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.reactor.retry.RetryOperator;
import io.github.resilience4j.retry.Retry;
import io.kvasir.springai.KvasirChatBackend;
import io.kvasir.springai.KvasirChatChunk;
import io.kvasir.springai.KvasirChatRequest;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Serves chat requests through a Kvasir gateway's OpenAI-compatible API ({@code POST /v1/chat/completions},
 * streamed as server-sent events or not), with a Bearer API key.
 *
 * <p>Each attempt passes the circuit breaker, which judges the gateway by the head of its response
 * (see {@link GatewayResilience}); the retry sends again only requests that never started. Cancelling a
 * stream's subscription closes its HTTP connection, which the gateway takes as the client going away and
 * cancels the request in its engine.
 *
 * <p>Failures: {@link KvasirRemoteException} for an error status or error event (with the gateway's
 * message, type, param and code), {@link io.github.resilience4j.circuitbreaker.CallNotPermittedException}
 * while the breaker is open, {@link IllegalArgumentException} for a request without a model,
 * {@link IllegalStateException} for a stream that ends early.
 */
public final class RemoteChatBackend implements KvasirChatBackend {

    private static final ParameterizedTypeReference<ServerSentEvent<String>> SSE_OF_STRING =
            new ParameterizedTypeReference<>() {
            };

    private final WebClient webClient;
    private final @Nullable String apiKey;
    private final @Nullable String defaultModel;
    private final Retry retry;
    private final CircuitBreaker circuitBreaker;

    /**
     * @param webClient a client whose base URL is the gateway's (for example {@code http://localhost:8080})
     * @param apiKey the tenant's API key, sent as {@code Authorization: Bearer}; null sends none
     * @param defaultModel the model requests get when they name none; null makes them name one
     * @param retry see {@link GatewayResilience#retry}
     * @param circuitBreaker see {@link GatewayResilience#circuitBreakerConfig()}
     */
    public RemoteChatBackend(WebClient webClient, @Nullable String apiKey, @Nullable String defaultModel, Retry retry,
            CircuitBreaker circuitBreaker) {
        this.webClient = Objects.requireNonNull(webClient, "webClient");
        this.apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey;
        this.defaultModel = defaultModel == null || defaultModel.isBlank() ? null : defaultModel;
        this.retry = Objects.requireNonNull(retry, "retry");
        this.circuitBreaker = Objects.requireNonNull(circuitBreaker, "circuitBreaker");
    }

    @Override
    public @Nullable String defaultModel() {
        return defaultModel;
    }

    public Retry retry() {
        return retry;
    }

    public CircuitBreaker circuitBreaker() {
        return circuitBreaker;
    }

    @Override
    public Flux<KvasirChatChunk> stream(KvasirChatRequest request) {
        return Flux.defer(() -> {
            String body = OpenAiCodec.requestJson(request, true);
            String model = Objects.requireNonNull(request.options().getModel());
            return exchange(body, MediaType.TEXT_EVENT_STREAM, response -> {
                StreamDecoder decoder = new StreamDecoder(model);
                return response.bodyToFlux(SSE_OF_STRING)
                        .<KvasirChatChunk>handle((event, sink) -> {
                            KvasirChatChunk chunk = decoder.decode(event.data());
                            if (chunk != null) {
                                sink.next(chunk);
                            }
                        })
                        .concatWith(Mono.fromCallable(decoder::finish));
            });
        });
    }

    @Override
    public Mono<KvasirChatChunk> complete(KvasirChatRequest request) {
        return Flux.defer(() -> {
            String body = OpenAiCodec.requestJson(request, false);
            String model = Objects.requireNonNull(request.options().getModel());
            return exchange(body, MediaType.APPLICATION_JSON, response -> response.bodyToMono(String.class)
                    .defaultIfEmpty("")
                    .map(json -> OpenAiCodec.completion(json, model))
                    .flux());
        }).single();
    }

    /**
     * Posts a request and hands a successful response to {@code onSuccess}; an error status becomes a
     * {@link KvasirRemoteException}. Every attempt passes the circuit breaker; failures that mean the request
     * never started are retried.
     */
    private <T> Flux<T> exchange(String body, MediaType accept, Function<ClientResponse, Flux<T>> onSuccess) {
        Flux<T> attempt = Flux.defer(() -> {
            circuitBreaker.acquirePermission();
            long start = circuitBreaker.getCurrentTimestamp();
            AtomicBoolean judged = new AtomicBoolean();
            return webClient.post().uri(OpenAiWire.CHAT_COMPLETIONS_PATH)
                    .headers(headers -> {
                        if (apiKey != null) {
                            headers.setBearerAuth(apiKey);
                        }
                    })
                    .contentType(MediaType.APPLICATION_JSON)
                    .accept(accept)
                    .bodyValue(body)
                    .exchangeToFlux(response -> {
                        if (response.statusCode().is2xxSuccessful()) {
                            judged.set(true);
                            circuitBreaker.onSuccess(elapsed(start), circuitBreaker.getTimestampUnit());
                            return onSuccess.apply(response);
                        }
                        String retryAfter = response.headers().asHttpHeaders().getFirst(HttpHeaders.RETRY_AFTER);
                        return response.bodyToMono(String.class).defaultIfEmpty("")
                                .flatMapMany(text -> Flux.<T>error(
                                        OpenAiCodec.errorResponse(response.statusCode().value(), text, retryAfter)));
                    })
                    .doOnError(failure -> {
                        if (judged.compareAndSet(false, true)) {
                            circuitBreaker.onError(elapsed(start), circuitBreaker.getTimestampUnit(), failure);
                        }
                    })
                    .doOnCancel(() -> {
                        if (judged.compareAndSet(false, true)) {
                            circuitBreaker.releasePermission();
                        }
                    });
        });
        return attempt.transformDeferred(RetryOperator.of(retry));
    }

    private long elapsed(long start) {
        return circuitBreaker.getCurrentTimestamp() - start;
    }

}
