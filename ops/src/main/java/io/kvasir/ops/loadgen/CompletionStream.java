package io.kvasir.ops.loadgen;

import java.util.function.LongSupplier;

import org.jspecify.annotations.Nullable;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * One OpenAI-style streaming response as its SSE events arrive: text chunks
 * ({@code choices[].text} for completions, {@code choices[].delta.content} for chat), a final chunk with
 * {@code usage} (asked for with {@code stream_options.include_usage}), an {@code error} object, and the closing
 * {@code data: [DONE]}. Timestamps every text chunk into a {@link StreamRecorder} when it is parsed.
 *
 * <p>A stream succeeds only if it ends with {@code [DONE]} and carried no error; one that closes without it is
 * {@code incomplete}, one that carried an error event or a malformed chunk is a {@code stream_error}.
 */
final class CompletionStream implements SseParser.Listener {

    static final String DONE = "[DONE]";
    static final String STREAM_ERROR = "stream_error";
    static final String INCOMPLETE = "incomplete";

    private final StreamRecorder recorder;
    private final ObjectMapper json;
    private final LongSupplier clock;
    private boolean done;
    private volatile int numHeartbeats;
    private @Nullable String error;

    CompletionStream(StreamRecorder recorder, ObjectMapper json, LongSupplier clock) {
        this.recorder = recorder;
        this.json = json;
        this.clock = clock;
    }

    @Override
    public void onEvent(String event, String data) {
        long now = clock.getAsLong();
        if (done || error != null) {
            return;
        }
        if (DONE.equals(data.strip())) {
            done = true;
            return;
        }
        JsonNode chunk;
        try {
            chunk = json.readTree(data);
        } catch (JacksonException e) {
            error = "malformed chunk: " + data;
            return;
        }
        JsonNode errorNode = chunk.get("error");
        if (errorNode != null && !errorNode.isNull() || "error".equals(event)) {
            error = errorMessage(chunk, data);
            return;
        }
        for (JsonNode choice : chunk.path("choices")) {
            JsonNode text = choice.has("delta") ? choice.path("delta").path("content") : choice.path("text");
            if (text.isString()) {
                recorder.onText(now, text.asString());
            }
            JsonNode finish = choice.path("finish_reason");
            if (finish.isString()) {
                recorder.onFinishReason(finish.asString());
            }
        }
        JsonNode usage = chunk.get("usage");
        if (usage != null && usage.isObject()) {
            recorder.onUsage(usage.path("prompt_tokens").asInt(-1),
                    usage.path("prompt_tokens_details").path("cached_tokens").asInt(-1),
                    usage.path("completion_tokens").asInt(-1));
        }
    }

    @Override
    public void onComment(String comment) {
        numHeartbeats++;
    }

    /** Whether {@code data: [DONE]} arrived. */
    boolean isDone() {
        return done;
    }

    /** Comment lines seen (servers send them as heartbeats on quiet streams). */
    int numHeartbeats() {
        return numHeartbeats;
    }

    /** The record of this stream, which ended (its connection closed) at {@code endNanos}. */
    RequestRecord finish(long endNanos) {
        if (error != null) {
            return recorder.failed(endNanos, STREAM_ERROR, error);
        }
        if (!done) {
            return recorder.failed(endNanos, INCOMPLETE, "the stream closed before data: [DONE] after "
                    + recorder.numTextChunks() + " text chunks");
        }
        return recorder.succeeded(endNanos);
    }

    /** The message of an OpenAI error body ({@code {"error":{"message":...}}}), or the body itself. */
    static String errorMessage(JsonNode body, String raw) {
        JsonNode error = body.path("error");
        JsonNode message = error.isObject() ? error.path("message") : error;
        return message.isString() && !message.asString().isBlank() ? message.asString() : raw;
    }
}
