package io.kvasir.springai.remote;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import org.reactivestreams.Publisher;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerResponse;

/**
 * A real HTTP server on a loopback port that answers {@code POST /v1/chat/completions} with scripted
 * replies in the OpenAI format, and records what it was sent. For the remote client's unit tests only:
 * it stands in for the Kvasir gateway's wire format, not for its behaviour.
 */
final class CannedGateway implements AutoCloseable {

    /** One request as the server received it. */
    record Received(String body, String authorization) {
    }

    /** How the server answers one request. */
    interface Reply {
        Publisher<Void> send(HttpServerResponse response, CannedGateway gateway);
    }

    private final ConcurrentLinkedQueue<Reply> replies = new ConcurrentLinkedQueue<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final CountDownLatch connectionClosed = new CountDownLatch(1);
    private final DisposableServer server;

    CannedGateway() {
        server = HttpServer.create().host("127.0.0.1").port(0)
                .route(routes -> routes.post(OpenAiWire.CHAT_COMPLETIONS_PATH, (request, response) -> request.receive()
                        .aggregate().asString().defaultIfEmpty("")
                        .flatMapMany(body -> {
                            received.add(new Received(body, String.valueOf(request.requestHeaders().get("Authorization"))));
                            Reply reply = replies.poll();
                            return reply == null ? response.status(500).sendString(Mono.just("no reply scripted"))
                                    : reply.send(response, this);
                        })))
                .bindNow();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    CannedGateway then(Reply... scripted) {
        replies.addAll(List.of(scripted));
        return this;
    }

    List<Received> received() {
        return received;
    }

    /** Counted down when the server sees a streaming connection closed by the client. */
    CountDownLatch connectionClosed() {
        return connectionClosed;
    }

    @Override
    public void close() {
        server.disposeNow(Duration.ofSeconds(5));
    }

    static Reply json(int status, String body, Map<String, String> headers) {
        return (response, gateway) -> {
            headers.forEach(response::header);
            return response.status(status).header("Content-Type", "application/json").sendString(Mono.just(body));
        };
    }

    static Reply json(String body) {
        return json(200, body, Map.of());
    }

    /** An SSE stream: each element is one event's data (or, starting with ':', a comment line). */
    static Reply sse(String... events) {
        return (response, gateway) -> sseHeaders(response).sendString(Flux.fromArray(events).map(CannedGateway::event));
    }

    /** Sends these events, then nothing, until the client goes away. */
    static Reply sseThenSilence(String... events) {
        return (response, gateway) -> {
            response.withConnection(connection -> connection.onDispose(gateway.connectionClosed::countDown));
            return sseHeaders(response).sendString(Flux.fromArray(events).map(CannedGateway::event).concatWith(Flux.never()));
        };
    }

    /** Sends these events, then drops the connection without ending the response. */
    static Reply sseThenDrop(String... events) {
        return (response, gateway) -> {
            AtomicReference<Connection> connection = new AtomicReference<>();
            response.withConnection(connection::set);
            return sseHeaders(response).sendString(Flux.fromArray(events).map(CannedGateway::event))
                    .then(Mono.fromRunnable(() -> connection.get().channel().close()));
        };
    }

    private static HttpServerResponse sseHeaders(HttpServerResponse response) {
        return response.status(200).header("Content-Type", "text/event-stream");
    }

    private static String event(String data) {
        return data.startsWith(":") ? data + "\n\n" : "data: " + data + "\n\n";
    }

    /** A stream chunk with one choice. */
    static String chunk(String content, String finishReason) {
        String finish = finishReason == null ? "null" : "\"" + finishReason + "\"";
        String delta = content == null ? "{\"role\":\"assistant\"}" : "{\"content\":\"" + content + "\"}";
        return "{\"id\":\"chatcmpl-7\",\"object\":\"chat.completion.chunk\",\"model\":\"stories260K\",\"choices\":"
                + "[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":" + finish + "}]}";
    }

    /** The usage-only chunk of {@code stream_options.include_usage}. */
    static String usageChunk(int prompt, int cached, int completion) {
        return "{\"id\":\"chatcmpl-7\",\"object\":\"chat.completion.chunk\",\"model\":\"stories260K\",\"choices\":[],"
                + usage(prompt, cached, completion) + "}";
    }

    static String completion(String content, String finishReason, int prompt, int cached, int completion) {
        return "{\"id\":\"chatcmpl-9\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"stories260K\",\"choices\":"
                + "[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"" + content + "\"},\"finish_reason\":\""
                + finishReason + "\"}]," + usage(prompt, cached, completion) + "}";
    }

    static String error(String message, String type, String param, String code) {
        return "{\"error\":{\"message\":\"" + message + "\",\"type\":\"" + type + "\",\"param\":" + quoted(param)
                + ",\"code\":" + quoted(code) + "}}";
    }

    private static String quoted(String s) {
        return s == null ? "null" : "\"" + s + "\"";
    }

    private static String usage(int prompt, int cached, int completion) {
        return "\"usage\":{\"prompt_tokens\":" + prompt + ",\"completion_tokens\":" + completion + ",\"total_tokens\":"
                + (prompt + completion) + ",\"prompt_tokens_details\":{\"cached_tokens\":" + cached + "}}";
    }
}
