package io.kvasir.adminui;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The admin API as a script would call it, to set up and check what the browser tests do through the console. */
final class AdminApi {

    static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String base;
    private final @Nullable String authorization;

    AdminApi(int port, @Nullable String name, @Nullable String password) {
        this.base = "http://localhost:" + port;
        this.authorization = name == null ? null
                : "Basic " + Base64.getEncoder().encodeToString((name + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** An answer: status and body. */
    record Answer(int status, String body) {
        JsonNode json() {
            return JSON.readTree(body);
        }
    }

    /** The codec's name in a profile document ({@code {"version","profile":{...}}}), wherever the profile keeps it. */
    static String codecOf(JsonNode document) {
        JsonNode profile = document.get("profile");
        JsonNode holder = profile.has("plugins") ? profile.get("plugins") : profile;
        return holder.get("codec").get("name").asString();
    }

    Answer get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET(), null);
    }

    Answer put(String path, JsonNode body, @Nullable String ifMatch) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .PUT(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .header("Content-Type", "application/json");
        return send(request, ifMatch);
    }

    Answer post(String path, String json) {
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .POST(HttpRequest.BodyPublishers.ofString(json)).header("Content-Type", "application/json"), null);
    }

    private Answer send(HttpRequest.Builder request, @Nullable String ifMatch) {
        request.timeout(Duration.ofSeconds(60)).header("Accept", "application/json");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (ifMatch != null) {
            request.header("If-Match", ifMatch);
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body());
        } catch (IOException e) {
            throw new IllegalStateException("admin API call failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
