package io.kvasir.gateway.api.generation;

import io.kvasir.api.GenerationResult;
import io.kvasir.api.TokenOutput;
import io.kvasir.gateway.api.ApiErrors;
import io.kvasir.gateway.api.ErrorBody;
import io.kvasir.gateway.engine.GenerationEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;

/**
 * A streaming response in OpenAI's server-sent-events format: one {@code data: <json>} event per chunk, an
 * optional usage chunk, then {@code data: [DONE]}; {@code : keep-alive} comments while the stream is quiet.
 *
 * <p>The HTTP status is committed with the first bytes written, and nothing is written until the engine has
 * produced a token or accepted every choice and a heartbeat interval has passed. So a refusal (invalid request,
 * admission, a full queue) still gets its own status and JSON error (RELIABILITY.md item 13). A failure after
 * that ends the stream with an error event ({@code data: {"error": ...}}) and {@code data: [DONE]}; each event
 * is flushed as it is written.
 */
public final class EventStream {

    static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);
    static final byte[] HEARTBEAT = ": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ACCEPTED = new byte[0];

    private EventStream() {
    }

    /** The response streaming a run's events. */
    public static Mono<ServerResponse> respond(Flux<ChoiceEvent> events, int numChoices, ChunkEncoder encoder,
            Duration heartbeatInterval, JsonMapper json) {
        Flux<byte[]> frames = frames(events, numChoices, encoder, heartbeatInterval, json);
        return ServerResponse.ok()
                .contentType(MediaType.TEXT_EVENT_STREAM)
                .header(HttpHeaders.CACHE_CONTROL, "no-cache")
                .header("X-Accel-Buffering", "no")
                .body((message, context) -> message.writeAndFlushWith(
                        frames.map(frame -> Mono.just(message.bufferFactory().wrap(frame)))));
    }

    /** The bytes of each event, in order (exposed for tests). */
    static Flux<byte[]> frames(Flux<ChoiceEvent> events, int numChoices, ChunkEncoder encoder, Duration heartbeatInterval,
            JsonMapper json) {
        AtomicInteger numQueued = new AtomicInteger();
        Flux<byte[]> chunks = events.concatMapIterable(e -> switch (e.event()) {
            case GenerationEvent.Queued queued -> numQueued.incrementAndGet() == numChoices ? List.of(ACCEPTED) : List.of();
            case GenerationEvent.Token(TokenOutput token) -> {
                Object chunk = encoder.token(e.index(), token);
                yield chunk == null ? List.of() : List.of(data(json, chunk));
            }
            case GenerationEvent.Finished(GenerationResult result) -> List.of(data(json, encoder.finish(e.index(), result)));
        }).concatWith(Flux.defer(() -> {
            Object usage = encoder.usage();
            return usage == null ? Flux.just(DONE) : Flux.just(data(json, usage), DONE);
        }));
        AtomicBoolean started = new AtomicBoolean();
        return Heartbeats.insert(chunks, ACCEPTED, HEARTBEAT, heartbeatInterval, Schedulers.parallel())
                .doOnNext(frame -> started.set(true))
                .onErrorResume(failure -> started.get()
                        ? Flux.just(data(json, ErrorBody.of(ApiErrors.render(failure))), DONE)
                        : Flux.error(failure));
    }

    private static byte[] data(JsonMapper json, Object value) {
        byte[] body = json.writeValueAsBytes(value);
        byte[] frame = new byte[body.length + 8];
        System.arraycopy("data: ".getBytes(StandardCharsets.US_ASCII), 0, frame, 0, 6);
        System.arraycopy(body, 0, frame, 6, body.length);
        frame[frame.length - 2] = '\n';
        frame[frame.length - 1] = '\n';
        return frame;
    }
}
