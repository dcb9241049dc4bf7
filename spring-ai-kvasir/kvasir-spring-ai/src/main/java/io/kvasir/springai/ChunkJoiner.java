package io.kvasir.springai;

import org.jspecify.annotations.Nullable;

/**
 * Joins the chunks of one stream into the whole response. Not thread-safe: a stream delivers its chunks
 * one at a time.
 */
final class ChunkJoiner {

    private final StringBuilder text = new StringBuilder();
    private @Nullable KvasirChatChunk last;

    void add(KvasirChatChunk chunk) {
        if (last != null && last.isFinal()) {
            throw new IllegalStateException("a chunk after the final chunk of response " + last.id());
        }
        text.append(chunk.text());
        last = chunk;
    }

    /**
     * The whole response.
     *
     * @throws IllegalStateException when the stream ended without its final chunk
     */
    KvasirChatChunk result() {
        if (last == null || !last.isFinal()) {
            throw new IllegalStateException("the response ended without a finish reason"
                    + (last == null ? "" : " (response " + last.id() + ")"));
        }
        return new KvasirChatChunk(last.id(), last.model(), text.toString(), last.finishReason(), last.usage());
    }
}
