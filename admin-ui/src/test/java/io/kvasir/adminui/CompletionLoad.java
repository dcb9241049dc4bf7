package io.kvasir.adminui;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Streams chat completions with a tenant key, one after another, until stopped: the traffic a profile change must
 * not disturb. Each request's outcome is kept: its status and whether the stream ended with {@code [DONE]}.
 */
final class CompletionLoad implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final List<String> outcomes = java.util.Collections.synchronizedList(new ArrayList<>());
    private final CompletableFuture<Void> running;

    CompletionLoad(int port, String key, String model) {
        running = CompletableFuture.runAsync(() -> {
            while (!stopping.get()) {
                outcomes.add(once(port, key, model));
            }
        });
    }

    /** One streamed completion: "ok" when it answered 200 and ended with [DONE], else what went wrong. */
    static String once(int port, String key, String model) {
        String body = "{\"model\":\"" + model + "\",\"stream\":true,\"max_tokens\":16,\"temperature\":0,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Once upon a time\"}]}";
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/v1/chat/completions"))
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return "HTTP " + response.statusCode() + ": " + response.body();
            }
            return response.body().contains("data: [DONE]") ? "ok" : "no [DONE] in: " + response.body();
        } catch (IOException e) {
            return "failed: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** Stops after the request in flight and returns every outcome. */
    List<String> stop() {
        stopping.set(true);
        running.join();
        return List.copyOf(outcomes);
    }

    @Override
    public void close() {
        stopping.set(true);
    }
}
