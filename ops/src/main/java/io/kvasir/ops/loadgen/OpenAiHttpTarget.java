package io.kvasir.ops.loadgen;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.BodySubscribers;
import java.net.http.HttpResponse.ResponseInfo;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Sends streaming OpenAI-format requests to a gateway with {@link java.net.http.HttpClient} over HTTP/1.1.
 * Nothing blocks per connection: the client's selector thread reads every socket, response bodies arrive line
 * by line to a {@link Flow.Subscriber} on that same thread (no hand-off: see the constructor); one timer thread enforces
 * the per-request timeout. So a thousand open streams cost a thousand sockets and their buffers, not a
 * thousand threads.
 *
 * <p>Each request asks for {@code stream: true}, {@code stream_options.include_usage} (for exact token counts
 * and {@code cached_tokens}), {@code ignore_eos} and {@code max_tokens} (so the output length is the planned
 * one), and authenticates with {@code Authorization: Bearer KEY} when the tenant has a key.
 */
final class OpenAiHttpTarget implements Target {

    /** The two streaming endpoints. */
    enum Endpoint {
        CHAT("/v1/chat/completions"),
        COMPLETIONS("/v1/completions");

        final String path;

        Endpoint(String path) {
            this.path = path;
        }

        /** The name used on the command line and in reports. */
        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final int MAX_ERROR_BODY = 4096;

    private final URI baseUrl;
    private final URI endpointUri;
    private final String model;
    private final Endpoint endpoint;
    private final double temperature;
    private final Duration requestTimeout;
    private final ScheduledThreadPoolExecutor timer;
    private final HttpClient client;
    private final ObjectMapper json = new ObjectMapper();

    /**
     * @param baseUrl the gateway, e.g. {@code http://localhost:8080}
     * @param requestTimeout how long a request may take from sending to the end of its stream
     */
    OpenAiHttpTarget(URI baseUrl, String model, Endpoint endpoint, double temperature, Duration requestTimeout) {
        this.baseUrl = baseUrl;
        this.endpointUri = resolve(baseUrl, endpoint.path);
        this.model = model;
        this.endpoint = endpoint;
        this.temperature = temperature;
        this.requestTimeout = requestTimeout;
        this.timer = new ScheduledThreadPoolExecutor(1, Thread.ofPlatform().name("loadgen-timeouts").daemon(true).factory());
        timer.setRemoveOnCancelPolicy(true);
        // Direct execution: the client's selector thread reads, parses and records each line itself, so a token's
        // arrival is timed without a hand-off to another thread (each one adds scheduling delay to the measured
        // TTFT on a machine whose cores the engine keeps busy). The per-line work is an SSE parse and a small JSON
        // read; nothing here blocks.
        this.client = newClient(Runnable::run);
    }

    static HttpClient newClient(Executor executor) {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10))
                .executor(executor).build();
    }

    /** {@code path} under {@code base}, keeping a path prefix the base URL may have. */
    static URI resolve(URI base, String path) {
        String text = base.toString();
        return URI.create((text.endsWith("/") ? text.substring(0, text.length() - 1) : text) + path);
    }

    @Override
    public String describe() {
        return baseUrl.toString();
    }

    @Override
    public InFlight send(PlannedRequest request, TenantSpec tenant) {
        HttpRequest.Builder http = HttpRequest.newBuilder(endpointUri).timeout(requestTimeout)
                .header("Content-Type", "application/json").header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(requestBody(request), StandardCharsets.UTF_8));
        if (!tenant.apiKey().isEmpty()) {
            http.header("Authorization", "Bearer " + tenant.apiKey());
        }
        Exchange exchange = new Exchange(request.tenantIndex());
        exchange.start(http.build());
        return exchange;
    }

    /** The JSON body of {@code request}. */
    String requestBody(PlannedRequest request) {
        ObjectNode body = json.createObjectNode();
        body.put("model", model);
        if (endpoint == Endpoint.CHAT) {
            ArrayNode messages = body.putArray("messages");
            if (request.systemPrompt() != null) {
                messages.addObject().put("role", "system").put("content", request.systemPrompt());
            }
            messages.addObject().put("role", "user").put("content", request.prompt());
        } else {
            body.put("prompt", request.systemPrompt() == null ? request.prompt() : request.systemPrompt() + "\n\n" + request.prompt());
        }
        body.put("max_tokens", request.maxTokens());
        body.put("ignore_eos", true);
        body.put("temperature", temperature);
        body.put("stream", true);
        body.putObject("stream_options").put("include_usage", true);
        return json.writeValueAsString(body);
    }

    @Override
    public void close() {
        client.shutdownNow();
        timer.shutdownNow();
    }

    /** One request's exchange: receives the body's lines and completes the record once. */
    private final class Exchange implements InFlight, Flow.Subscriber<String> {
        private final CompletableFuture<RequestRecord> result = new CompletableFuture<>();
        private final StreamRecorder recorder;
        private final CompletionStream stream;
        private final SseParser parser;
        private volatile State state = State.SENT;
        private volatile Flow.@Nullable Subscription subscription;
        private volatile @Nullable CompletableFuture<HttpResponse<String>> response;

        Exchange(int tenantIndex) {
            this.recorder = new StreamRecorder(tenantIndex, System.nanoTime());
            this.stream = new CompletionStream(recorder, json, System::nanoTime);
            this.parser = new SseParser(stream);
        }

        void start(HttpRequest request) {
            ScheduledFuture<?> timeout = timer.schedule(
                    () -> abandon("timeout", "no end of stream within " + requestTimeout.toSeconds() + " s"),
                    requestTimeout.toNanos(), TimeUnit.NANOSECONDS);
            result.whenComplete((record, e) -> timeout.cancel(false));
            CompletableFuture<HttpResponse<String>> sent = client.sendAsync(request, this::bodySubscriber);
            response = sent;
            sent.whenComplete(this::responseEnded);
        }

        private BodySubscriber<String> bodySubscriber(ResponseInfo info) {
            if (info.statusCode() == 200) {
                advance(State.SENT, State.OPEN);
                return BodySubscribers.fromLineSubscriber(this, subscriber -> "", StandardCharsets.UTF_8, null);
            }
            return BodySubscribers.ofString(StandardCharsets.UTF_8);
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (result.isDone()) {
                s.cancel();
            } else {
                s.request(Long.MAX_VALUE);
            }
        }

        @Override
        public void onNext(String line) {
            parser.line(line);
            if (state == State.OPEN && recorder.numTextChunks() > 0) {
                advance(State.OPEN, State.STREAMING);
            }
        }

        @Override
        public void onError(Throwable error) {
            // The response future fails with the same error and records it.
        }

        @Override
        public void onComplete() {
            parser.end();
        }

        private void responseEnded(@Nullable HttpResponse<String> httpResponse, @Nullable Throwable error) {
            long now = System.nanoTime();
            RequestRecord record;
            if (error != null) {
                Throwable cause = unwrap(error);
                record = recorder.failed(now, classify(cause), cause.toString());
            } else if (httpResponse.statusCode() == 200) {
                record = stream.finish(now);
            } else {
                record = recorder.failed(now, "http_" + httpResponse.statusCode(), errorMessage(httpResponse.body()));
            }
            end(record);
        }

        /** Ends the request with {@code record} unless it already ended; ENDED is visible before the completion. */
        private boolean end(RequestRecord record) {
            synchronized (this) {
                state = State.ENDED;
            }
            return result.complete(record);
        }

        /** Moves from {@code from} to {@code to}, unless another thread moved on (ended it) first. */
        private synchronized void advance(State from, State to) {
            if (state == from) {
                state = to;
            }
        }

        private void abandon(String outcome, String message) {
            if (!end(recorder.failed(System.nanoTime(), outcome, message))) {
                return;
            }
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
            CompletableFuture<HttpResponse<String>> sent = response;
            if (sent != null) {
                sent.cancel(true);
            }
        }

        @Override
        public State state() {
            return state;
        }

        @Override
        public int numHeartbeats() {
            return stream.numHeartbeats();
        }

        @Override
        public CompletableFuture<RequestRecord> completion() {
            return result;
        }

        @Override
        public void cancel() {
            abandon("cancelled", "cancelled by the load generator");
        }
    }

    private String errorMessage(@Nullable String body) {
        if (body == null || body.isBlank()) {
            return "(empty body)";
        }
        String text = body.length() > MAX_ERROR_BODY ? body.substring(0, MAX_ERROR_BODY) : body;
        try {
            return CompletionStream.errorMessage(json.readTree(text), text);
        } catch (JacksonException e) {
            return text;
        }
    }

    static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** The outcome name of a request that failed with {@code cause}. */
    static String classify(Throwable cause) {
        return switch (cause) {
            case HttpConnectTimeoutException t -> "connect_timeout";
            case HttpTimeoutException t -> "timeout";
            case ConnectException c -> "connect";
            case CancellationException c -> "cancelled";
            case IOException io -> "io";
            default -> "client_error";
        };
    }

    /**
     * The first model {@code GET /v1/models} lists, for runs that name none.
     *
     * @throws IllegalArgumentException when the gateway cannot be asked or lists no model
     */
    static String firstModel(URI baseUrl, String apiKey) {
        URI uri = resolve(baseUrl, "/v1/models");
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET();
        if (!apiKey.isEmpty()) {
            request.header("Authorization", "Bearer " + apiKey);
        }
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor(); HttpClient client = newClient(executor)) {
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalArgumentException("GET " + uri + " answered " + response.statusCode() + "; name the model with --model");
            }
            JsonNode first = new ObjectMapper().readTree(response.body()).path("data").path(0).path("id");
            if (!first.isString()) {
                throw new IllegalArgumentException("GET " + uri + " lists no model; name one with --model");
            }
            return first.asString();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot reach " + uri + ": " + e + " (is the gateway running? --url)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking " + uri + " for its models", e);
        }
    }
}
