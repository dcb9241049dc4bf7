package io.kvasir.ops.loadgen;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A small OpenAI-format streaming server for testing the load generator's client (not a test of any gateway):
 * {@code POST /v1/chat/completions} and {@code /v1/completions} stream one chunk per output token
 * ({@code max_tokens} of them), a heartbeat comment, a finish chunk, a usage chunk when asked, and
 * {@code data: [DONE]}; {@code GET /v1/models} lists {@value #MODEL}; {@code GET /actuator/prometheus} serves
 * this JVM's heap and thread gauges.
 *
 * <p>Other model names choose a misbehaviour: {@value #HOLD_MODEL} sends headers and then only heartbeats until
 * the client leaves (a request queued behind long generations), {@value #NO_HEADERS_MODEL} never answers,
 * {@value #TRUNCATING_MODEL} closes after one token without {@code [DONE]}, {@value #ERROR_MODEL} sends an error
 * event after one token. Keys: with a key set, a request needs one of them ({@code 401} otherwise);
 * {@value #LIMITED_KEY} always gets {@code 429}. Prompt tokens are counted as whitespace-separated words; a
 * system prompt seen before is reported as cached.
 */
final class FakeOpenAiServer implements AutoCloseable {

    static final String MODEL = "fake-model";
    static final String HOLD_MODEL = "hold-model";
    static final String NO_HEADERS_MODEL = "no-headers-model";
    static final String TRUNCATING_MODEL = "truncating-model";
    static final String ERROR_MODEL = "error-model";
    static final String LIMITED_KEY = "limited";

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Set<String> keys;
    private final ObjectMapper json = new ObjectMapper();
    private final List<JsonNode> bodies = new CopyOnWriteArrayList<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final Set<String> seenSystemPrompts = ConcurrentHashMap.newKeySet();
    private final AtomicInteger numHeldStreams = new AtomicInteger();

    private FakeOpenAiServer(Set<String> keys) throws IOException {
        this.keys = Set.copyOf(keys);
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 2048);
        server.setExecutor(executor);
        server.createContext("/v1/chat/completions", e -> handle(e, true));
        server.createContext("/v1/completions", e -> handle(e, false));
        server.createContext("/v1/models", e -> respond(e, 200, "application/json",
                "{\"object\":\"list\",\"data\":[{\"id\":\"" + MODEL + "\",\"object\":\"model\"}]}"));
        server.createContext("/actuator/prometheus", e -> respond(e, 200, "text/plain", prometheus()));
        server.start();
    }

    /** Starts a server that accepts {@code keys} (none: no authentication). */
    static FakeOpenAiServer start(String... keys) throws IOException {
        return new FakeOpenAiServer(Set.of(keys));
    }

    URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** The request bodies received, in order. */
    List<JsonNode> bodies() {
        return bodies;
    }

    /** The Authorization headers received ("" when absent). */
    List<String> authorizations() {
        return authorizations;
    }

    /** Streams of the hold model still open (the client has not left yet). */
    int numHeldStreams() {
        return numHeldStreams.get();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange, boolean chat) throws IOException {
        try (exchange) {
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            authorizations.add(authorization == null ? "" : authorization);
            JsonNode body = json.readTree(exchange.getRequestBody().readAllBytes());
            bodies.add(body);
            String key = authorization != null && authorization.startsWith("Bearer ") ? authorization.substring(7) : "";
            if (!keys.isEmpty() && !keys.contains(key)) {
                error(exchange, 401, "Incorrect API key provided", "invalid_api_key");
                return;
            }
            if (LIMITED_KEY.equals(key)) {
                exchange.getResponseHeaders().add("Retry-After", "1");
                error(exchange, 429, "Rate limit reached for tenant", "rate_limit_exceeded");
                return;
            }
            String model = body.path("model").asString();
            switch (model) {
                case MODEL, HOLD_MODEL, TRUNCATING_MODEL, ERROR_MODEL -> stream(exchange, chat, body, model);
                case NO_HEADERS_MODEL -> waitForClientToLeave(exchange);
                default -> error(exchange, 404, "The model '" + model + "' does not exist", "model_not_found");
            }
        }
    }

    private void stream(HttpExchange exchange, boolean chat, JsonNode body, String model) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        if (HOLD_MODEL.equals(model)) {
            numHeldStreams.incrementAndGet();
            try {
                heartbeatUntilClientLeaves(out);
            } finally {
                numHeldStreams.decrementAndGet();
            }
            return;
        }
        if (chat) {
            send(out, "{\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}");
        }
        int maxTokens = body.path("max_tokens").asInt(16);
        for (int i = 0; i < maxTokens; i++) {
            String text = " w" + i;
            send(out, chat ? "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + text + "\"}}]}"
                    : "{\"choices\":[{\"index\":0,\"text\":\"" + text + "\"}]}");
            if (i == 0) {
                write(out, ": ping\n\n");
                if (TRUNCATING_MODEL.equals(model)) {
                    return;
                }
                if (ERROR_MODEL.equals(model)) {
                    send(out, "{\"error\":{\"message\":\"the engine stopped\",\"type\":\"server_error\"}}");
                    write(out, "data: [DONE]\n\n");
                    return;
                }
            }
        }
        send(out, chat ? "{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"length\"}]}"
                : "{\"choices\":[{\"index\":0,\"text\":\"\",\"finish_reason\":\"length\"}]}");
        if (body.path("stream_options").path("include_usage").asBoolean(false)) {
            ObjectNode usage = json.createObjectNode();
            int prompt = promptTokens(body, chat);
            usage.put("prompt_tokens", prompt);
            usage.put("completion_tokens", maxTokens);
            usage.put("total_tokens", prompt + maxTokens);
            usage.putObject("prompt_tokens_details").put("cached_tokens", cachedTokens(body, chat));
            send(out, "{\"choices\":[],\"usage\":" + json.writeValueAsString(usage) + "}");
        }
        write(out, "data: [DONE]\n\n");
    }

    private static int promptTokens(JsonNode body, boolean chat) {
        if (!chat) {
            return words(body.path("prompt").asString());
        }
        int n = 0;
        for (JsonNode message : body.path("messages")) {
            n += words(message.path("content").asString());
        }
        return n;
    }

    private int cachedTokens(JsonNode body, boolean chat) {
        if (!chat) {
            return 0;
        }
        for (JsonNode message : body.path("messages")) {
            if ("system".equals(message.path("role").asString())) {
                String system = message.path("content").asString();
                return seenSystemPrompts.add(system) ? 0 : words(system);
            }
        }
        return 0;
    }

    private static int words(String text) {
        String stripped = text.strip();
        return stripped.isEmpty() ? 0 : stripped.split("\\s+").length;
    }

    private void send(OutputStream out, String data) throws IOException {
        write(out, "data: " + data + "\n\n");
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Writes a heartbeat every 20 ms until a write fails: the client closed the connection. */
    private static void heartbeatUntilClientLeaves(OutputStream out) {
        try {
            while (true) {
                write(out, ": heartbeat\n\n");
                Thread.sleep(20);
            }
        } catch (IOException | InterruptedException e) {
            // The client went away (or the server stops).
        }
    }

    /** Reads the (already consumed) request's connection until the client closes it, never answering. */
    private static void waitForClientToLeave(HttpExchange exchange) {
        try {
            while (exchange.getRequestBody().read() >= 0) {
                // drained
            }
            Thread.sleep(60_000);
        } catch (IOException | InterruptedException e) {
            // gone
        }
    }

    private void error(HttpExchange exchange, int status, String message, String code) throws IOException {
        ObjectNode body = json.createObjectNode();
        ObjectNode error = body.putObject("error");
        error.put("message", message);
        error.put("type", status == 429 ? "rate_limit_error" : "invalid_request_error");
        error.putNull("param");
        error.put("code", code);
        respond(exchange, status, "application/json", json.writeValueAsString(body));
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** This JVM's heap pools and live threads in Micrometer's Prometheus names. */
    private static String prometheus() {
        StringBuilder text = new StringBuilder("# HELP jvm_memory_used_bytes The amount of used memory\n# TYPE jvm_memory_used_bytes gauge\n");
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            String area = pool.getType() == MemoryType.HEAP ? "heap" : "nonheap";
            text.append("jvm_memory_used_bytes{area=\"").append(area).append("\",id=\"").append(pool.getName()).append("\"} ")
                    .append(pool.getUsage().getUsed()).append('\n');
        }
        text.append("# TYPE jvm_threads_live_threads gauge\njvm_threads_live_threads ")
                .append(ManagementFactory.getThreadMXBean().getThreadCount()).append('\n');
        return text.toString();
    }
}
