package io.kvasir.springai.remote;

import org.jspecify.annotations.Nullable;

import io.kvasir.springai.KvasirChatChunk;
import io.kvasir.springai.KvasirUsage;
import io.kvasir.springai.remote.OpenAiWire.ChatCompletion;
import io.kvasir.springai.remote.OpenAiWire.Choice;

/**
 * Decodes one SSE stream of chat-completion chunks into {@link KvasirChatChunk}s: each piece of content as
 * a text chunk; the finish reason (from the last choice) and the usage (from the usage-only chunk that
 * {@code stream_options.include_usage} adds) held back and released together as the final chunk when the
 * stream has ended with {@code data: [DONE]}. Comments (heartbeats) are skipped. One instance per stream.
 */
final class StreamDecoder {

    private final String requestedModel;
    private String id = "";
    private @Nullable String model;
    private @Nullable String finishReason;
    private @Nullable KvasirUsage usage;
    private boolean done;

    StreamDecoder(String requestedModel) {
        this.requestedModel = requestedModel;
    }

    /**
     * The text chunk an event's data carries, or null (a role-only delta, the finish or usage chunk, the end).
     *
     * @param data the event's data; null for comments
     * @throws KvasirRemoteException for an error event
     */
    @Nullable KvasirChatChunk decode(@Nullable String data) {
        if (data == null || data.isBlank() || done) {
            return null;
        }
        if (data.trim().equals(OpenAiWire.DONE)) {
            done = true;
            return null;
        }
        ChatCompletion chunk = OpenAiCodec.parse(data);
        if (chunk.id() != null) {
            id = chunk.id();
        }
        model = OpenAiCodec.modelOf(chunk, model == null ? requestedModel : model);
        if (chunk.usage() != null) {
            usage = OpenAiCodec.usage(chunk.usage());
        }
        Choice choice = OpenAiCodec.firstChoice(chunk);
        if (choice == null) {
            return null;
        }
        if (choice.finishReason() != null) {
            finishReason = OpenAiCodec.finishReason(choice.finishReason());
        }
        String content = choice.delta() == null ? null : choice.delta().content();
        return content == null || content.isEmpty() ? null : KvasirChatChunk.text(id, currentModel(), content);
    }

    /**
     * The final chunk, once the stream's body has ended.
     *
     * @throws IllegalStateException when the stream ended early: without {@code [DONE]}, a finish reason or usage
     */
    KvasirChatChunk finish() {
        if (!done || finishReason == null || usage == null) {
            throw new IllegalStateException("the Kvasir gateway's stream ended early (" + (!done ? "no data: [DONE]"
                    : finishReason == null ? "no finish reason" : "no usage") + ")");
        }
        return new KvasirChatChunk(id, currentModel(), "", finishReason, usage);
    }

    private String currentModel() {
        return model == null ? requestedModel : model;
    }
}
