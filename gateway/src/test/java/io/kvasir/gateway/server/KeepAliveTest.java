package io.kvasir.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvasir.gateway.testing.GatewayTestBase;
import io.kvasir.gateway.testing.PersistentConnection;
import io.kvasir.gateway.testing.PersistentConnection.Answer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A kept-alive connection stays usable after every kind of answer, refusals included: each answer arrives whole
 * and at once, and a server that means to close the connection says {@code Connection: close} in that answer
 * (otherwise a pooling client reuses it and its next request is lost without a reply).
 */
class KeepAliveTest extends GatewayTestBase {

    /** Well below the request-head timeout (10 s): a stalled connection fails here, not by the server's timer. */
    private static final int READ_TIMEOUT_MILLIS = 5_000;
    private static final String CHAT = "/v1/chat/completions";
    private static final String HI = "[{\"role\":\"user\",\"content\":\"hi\"}]";

    private record Step(String name, String method, String path, Map<String, String> headers, String body, int status) {
    }

    private static Map<String, String> json(String key) {
        return key == null ? Map.of("Content-Type", "application/json")
                : Map.of("Content-Type", "application/json", "Authorization", "Bearer " + key);
    }

    private static String chat(String fields) {
        return "{\"model\":\"" + STORIES + "\",\"messages\":" + HI + "," + fields + "}";
    }

    private static List<Step> steps() {
        int context = 512;
        return List.of(
                new Step("invalid JSON", "POST", CHAT, json(DEMO_KEY), "{\"model\":", 400),
                new Step("wrong parameter type", "POST", CHAT, json(DEMO_KEY), chat("\"max_tokens\":\"3\""), 400),
                new Step("unknown model", "POST", CHAT, json(DEMO_KEY), "{\"model\":\"gpt-9\",\"messages\":" + HI + "}", 404),
                new Step("unknown path", "GET", "/v1/nothing-here", json(DEMO_KEY), "", 404),
                new Step("no credentials, 64 KiB body", "POST", CHAT, json(null),
                        chat("\"user\":\"" + "x".repeat(64 * 1024) + "\""), 401),
                new Step("wrong key", "POST", CHAT, json("kv-wrong-key-for-the-keep-alive-test-00000"), chat("\"max_tokens\":3"), 401),
                new Step("prompt over the context", "POST", "/v1/completions", json(DEMO_KEY),
                        "{\"model\":\"" + STORIES + "\",\"prompt\":\"" + "a b ".repeat(context) + "\"}", 400),
                new Step("streaming refused before its first token", "POST", CHAT, json(DEMO_KEY),
                        chat("\"stream\":true,\"max_tokens\":100000"), 400),
                new Step("a completion", "POST", CHAT, json(DEMO_KEY), chat("\"max_tokens\":3,\"temperature\":0"), 200),
                new Step("a streamed completion", "POST", CHAT, json(DEMO_KEY),
                        chat("\"max_tokens\":3,\"temperature\":0,\"stream\":true"), 200),
                new Step("oversized body", "POST", CHAT, json(DEMO_KEY),
                        chat("\"user\":\"" + "x".repeat(5 * 1024 * 1024) + "\""), 413));
    }

    @Test
    void everyAnswerArrivesWholeAndTheConnectionServesTheNextRequest() throws IOException {
        PersistentConnection connection = new PersistentConnection(port, "127.0.0.61", READ_TIMEOUT_MILLIS);
        try {
            for (int round = 0; round < 3; round++) {
                for (Step step : steps()) {
                    Answer answer = exchange(connection, step.name(), step.method(), step.path(), step.headers(), step.body());
                    assertThat(answer.status()).as(step.name()).isEqualTo(step.status());
                    if (answer.announcesClose()) {
                        connection.close();
                        connection = new PersistentConnection(port, "127.0.0.61", READ_TIMEOUT_MILLIS);
                        continue;
                    }
                    Answer next = exchange(connection, "GET /v1/models after " + step.name(), "GET", "/v1/models",
                            json(DEMO_KEY), "");
                    assertThat(next.status()).as("GET /v1/models after " + step.name()).isEqualTo(200);
                }
            }
        } finally {
            connection.close();
        }
    }

    private static Answer exchange(PersistentConnection connection, String name, String method, String path,
            Map<String, String> headers, String body) {
        try {
            return connection.exchange(method, path, headers, body.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError(name + ": no whole answer on the kept-alive connection: " + e, e);
        }
    }
}
