package io.kvasir.gateway.api;

import static io.kvasir.gateway.testing.ApiAssertions.assertApiError;
import static org.assertj.core.api.Assertions.assertThat;

import io.kvasir.api.FinishReason;
import io.kvasir.engine.loop.EngineStats;
import io.kvasir.gateway.testing.GatewayTestBase;
import io.kvasir.gateway.testing.Http;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad requests get a clear OpenAI-shaped error with the right status and parameter, before any engine work, and
 * leave the engine, permits and server as they were (RELIABILITY.md items 5 to 13).
 */
class RequestValidationTest extends GatewayTestBase {

    private static final String CHAT = "/v1/chat/completions";
    private static final String HI = "[{\"role\":\"user\",\"content\":\"hi\"}]";

    @AfterEach
    void nothingLeftBehind() {
        awaitAdmissionIdle();
        for (String model : new String[] {STORIES, EMBEDDED}) {
            EngineStats stats = engine(model).stats();
            assertThat(stats.numRunning() + stats.numWaiting()).isZero();
            assertThat(stats.numBlocksHeldByRequests()).isZero();
            assertThat(stats.healthy()).isTrue();
        }
    }

    private static String chat(String fields) {
        return "{\"model\":\"stories260K\",\"messages\":" + HI + (fields.isEmpty() ? "" : "," + fields) + "}";
    }

    static Stream<Arguments> badChatRequests() {
        return Stream.of(
                // item 6: wrong types and unknown roles name the parameter
                Arguments.of(chat("\"max_tokens\":\"10\""), "max_tokens"),
                Arguments.of("{\"model\":\"stories260K\",\"messages\":{}}", "messages"),
                Arguments.of("{\"model\":\"stories260K\",\"messages\":[{\"role\":\"wizard\",\"content\":\"hi\"}]}", "messages[0].role"),
                Arguments.of("{\"model\":\"stories260K\",\"messages\":[\"hi\"]}", "messages[0]"),
                Arguments.of("{\"model\":42,\"messages\":" + HI + "}", "model"),
                Arguments.of(chat("\"temperature\":\"0.5\""), "temperature"),
                Arguments.of(chat("\"stream\":\"yes\""), "stream"),
                Arguments.of(chat("\"stop\":7"), "stop"),
                Arguments.of(chat("\"max_tokens\":10.5"), "max_tokens"),
                // item 7: max_tokens -1, 0, 2^63
                Arguments.of(chat("\"max_tokens\":-1"), "max_tokens"),
                Arguments.of(chat("\"max_tokens\":0"), "max_tokens"),
                Arguments.of(chat("\"max_tokens\":9223372036854775808"), "max_tokens"),
                Arguments.of(chat("\"max_completion_tokens\":0"), "max_completion_tokens"),
                // item 8: fan-out bounds before any work
                Arguments.of(chat("\"n\":1000000"), "n"),
                Arguments.of(chat("\"n\":0"), "n"),
                Arguments.of(chat("\"logprobs\":true,\"top_logprobs\":1000000"), "top_logprobs"),
                Arguments.of(chat("\"top_logprobs\":3"), "top_logprobs"),
                // item 9: sampling ranges
                Arguments.of(chat("\"temperature\":1e400"), "temperature"),
                Arguments.of(chat("\"temperature\":-1"), "temperature"),
                Arguments.of(chat("\"temperature\":1e6"), "temperature"),
                Arguments.of(chat("\"top_p\":-1"), "top_p"),
                Arguments.of(chat("\"top_p\":2"), "top_p"),
                Arguments.of(chat("\"top_k\":-5"), "top_k"),
                Arguments.of(chat("\"min_p\":1.5"), "min_p"),
                Arguments.of(chat("\"presence_penalty\":3"), "presence_penalty"),
                Arguments.of(chat("\"frequency_penalty\":-2.5"), "frequency_penalty"),
                Arguments.of(chat("\"repetition_penalty\":0"), "repetition_penalty"),
                // item 10: empty prompts
                Arguments.of("{\"model\":\"stories260K\",\"messages\":[]}", "messages"),
                Arguments.of("{\"model\":\"stories260K\",\"messages\":[{\"role\":\"user\",\"content\":\"\"}]}", "messages[0].content"),
                Arguments.of("{\"model\":\"stories260K\",\"messages\":[{\"role\":\"user\",\"content\":[]}]}", "messages[0].content"),
                Arguments.of("{\"model\":\"stories260K\"}", "messages"),
                // item 11: lone surrogates
                Arguments.of("{\"model\":\"stories260K\",\"messages\":[{\"role\":\"user\",\"content\":\"a\\ud800b\"}]}", "messages[0].content"),
                Arguments.of(chat("\"stop\":[\"\\udc00\"]"), "stop[0]"),
                // item 12: stop sequences too many or too long
                Arguments.of(chat("\"stop\":[" + "\"x\",".repeat(16) + "\"y\"]"), "stop"),
                Arguments.of(chat("\"stop\":\"" + "s".repeat(300) + "\""), "stop[0]"),
                Arguments.of(chat("\"stop\":[\"\"]"), "stop[0]"),
                // features this server does not have are refused, not ignored
                Arguments.of(chat("\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]"), "tools"),
                Arguments.of(chat("\"response_format\":{\"type\":\"json_object\"}"), "response_format"),
                Arguments.of("{\"model\":\"stories260K\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"x\"}}]}]}",
                        "messages[0].content[0].type"));
    }

    @ParameterizedTest
    @MethodSource("badChatRequests")
    void badChatRequestIsA400NamingTheParameter(String body, String param) {
        assertApiError(http().post(CHAT, body), 400, param, null);
        if (!body.contains("\"stream\"")) {
            assertApiError(http().post(CHAT, body.replaceFirst("\\{", "{\"stream\":true,")), 400, param, null);
        }
    }

    static Stream<Arguments> badCompletionRequests() {
        return Stream.of(
                Arguments.of("{\"model\":\"stories260K\",\"prompt\":\"\"}", "prompt"),
                Arguments.of("{\"model\":\"stories260K\",\"prompt\":[]}", "prompt"),
                Arguments.of("{\"model\":\"stories260K\",\"prompt\":[\"ok\",\"\"]}", "prompt[1]"),
                Arguments.of("{\"model\":\"stories260K\",\"prompt\":[1,2,-3]}", "prompt[2]"),
                Arguments.of("{\"model\":\"stories260K\",\"prompt\":[1,2,99999]}", "prompt"),
                Arguments.of("{\"model\":\"stories260K\",\"prompt\":{}}", "prompt"),
                Arguments.of("{\"model\":\"stories260K\",\"prompt\":\"hi\",\"logprobs\":100}", "logprobs"),
                Arguments.of("{\"model\":\"stories260K\",\"prompt\":[\"a\",\"b\",\"c\"],\"n\":6}", "n"),
                Arguments.of("{\"model\":\"stories260K\",\"prompt\":\"hi\",\"echo\":true}", "echo"),
                Arguments.of("{\"model\":\"stories260K\",\"prompt\":\"hi\",\"max_tokens\":-1}", "max_tokens"));
    }

    @ParameterizedTest
    @MethodSource("badCompletionRequests")
    void badCompletionRequestIsA400NamingTheParameter(String body, String param) {
        assertApiError(http().post("/v1/completions", body), 400, param, null);
    }

    @Test
    void bodiesThatAreNotJsonObjectsAre400s() {
        for (String body : new String[] {"", "not json", "[]", "42", "{\"model\":\"stories260K\",\"messages\":[{\"role\":",
                "{\"model\":\"stories260K\"} trailing", "{\"model\":\"a\",\"model\":\"b\"}", "{\"temperature\":NaN}"}) {
            JsonNodeAssert.message(assertApiError(http().post(CHAT, body), 400, null, "invalid_json"));
        }
        String truncated = chat("").substring(0, 40);
        assertThat(assertApiError(http().post(CHAT, truncated), 400, null, "invalid_json").get("message").asString())
                .contains("truncated");
    }

    @Test
    void deeplyNestedBodyIsA400() {
        String nested = "{\"model\":\"stories260K\",\"messages\":" + HI + ",\"x\":" + "[".repeat(5000) + "]".repeat(5000) + "}";
        assertThat(assertApiError(http().post(CHAT, nested), 400, null, "invalid_json").get("message").asString())
                .contains("nested");
    }

    @Test
    void invalidUtf8InTheBodyIsA400() {
        byte[] prefix = "{\"model\":\"stories260K\",\"messages\":[{\"role\":\"user\",\"content\":\"".getBytes(StandardCharsets.UTF_8);
        byte[] suffix = "\"}]}".getBytes(StandardCharsets.UTF_8);
        for (byte[] bad : new byte[][] {{(byte) 0xC3}, {(byte) 0xFF, 'a'}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}}) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            body.writeBytes(prefix);
            body.writeBytes(bad);
            body.writeBytes(suffix);
            assertApiError(http().post(CHAT, body.toByteArray()), 400, null, "invalid_json");
        }
    }

    @Test
    void oversizedBodyIsA413() {
        String big = chat("\"user\":\"" + "x".repeat(5 * 1024 * 1024) + "\"");
        assertApiError(http().post(CHAT, big), 413, null, "request_too_large");
    }

    @Test
    void oversizedHeadersAreA431() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + CHAT + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + DEMO_KEY
                    + "\r\nX-Big: " + "h".repeat(32 * 1024)
                    + "\r\nContent-Length: 2\r\n\r\n{}").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String response = new String(readAll(socket.getInputStream()), StandardCharsets.UTF_8);
            assertThat(response).startsWith("HTTP/1.1 431");
        }
        assertThat(http().get("/v1/models").status()).isEqualTo(200);
    }

    @Test
    void unknownModelIsA404ModelNotFound() {
        assertApiError(http().post(CHAT, "{\"model\":\"gpt-9\",\"messages\":" + HI + "}"), 404, "model", "model_not_found");
        assertApiError(http().post("/v1/completions", "{\"model\":\"gpt-9\",\"prompt\":\"hi\"}"), 404, "model", "model_not_found");
        assertApiError(http().get("/v1/models/gpt-9"), 404, "model", "model_not_found");
        assertApiError(http().post("/tokenize", "{\"model\":\"gpt-9\",\"prompt\":\"hi\"}"), 404, "model", "model_not_found");
    }

    @Test
    void unknownPathsAndMethodsAreOpenAiShapedErrors() {
        assertApiError(http().get("/v1/nothing-here"), 404, null, "not_found");
        assertApiError(http().get(CHAT), 404, null, "not_found");
    }

    @Test
    void promptPlusMaxTokensOverTheContextIsA400EveryTimeAndTheEngineIsUnharmed() {
        EngineStats before = engine(STORIES).stats();
        int context = engine(STORIES).info().contextLength();
        for (int i = 0; i < 50; i++) {
            boolean stream = i % 2 == 0;
            assertApiError(http().post(CHAT, chat("\"max_tokens\":" + (context - 5) + ",\"stream\":" + stream)),
                    400, "max_tokens", null);
            assertApiError(http().post("/v1/completions", "{\"model\":\"stories260K\",\"prompt\":\"" + "a b ".repeat(context)
                    + "\",\"stream\":" + stream + "}"), 400, "prompt", null);
        }
        EngineStats after = engine(STORIES).stats();
        assertThat(after.numRejected()).isEqualTo(before.numRejected());
        assertThat(after.finished(FinishReason.ERROR)).isEqualTo(before.finished(FinishReason.ERROR));
        assertThat(after.numSteps()).isEqualTo(before.numSteps());
        assertThat(http().post(CHAT, chat("\"max_tokens\":3,\"temperature\":0")).status()).isEqualTo(200);
    }

    @Test
    void streamingRequestRefusedBeforeItsFirstTokenGetsAnErrorStatusNotAnEmpty200() {
        Http.Response response = http().post(CHAT, chat("\"stream\":true,\"max_tokens\":100000"));
        assertApiError(response, 400, "max_tokens", null);
        assertThat(response.body()).doesNotContain("data:");
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int n;
        try {
            while ((n = in.read(buffer)) > 0) {
                out.write(buffer, 0, n);
            }
        } catch (java.net.SocketException reset) {
            // the server may reset after answering; what arrived is what counts
        }
        return out.toByteArray();
    }

    /** Readability helper: an error's message must say something. */
    private static final class JsonNodeAssert {
        static void message(tools.jackson.databind.JsonNode error) {
            assertThat(error.get("message").asString()).hasSizeGreaterThan(10);
        }
    }
}
