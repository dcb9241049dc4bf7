package io.kvasir.gateway.api.openai;

import io.kvasir.api.GenerationResult;
import io.kvasir.api.TokenOutput;
import io.kvasir.gateway.api.generation.ChunkEncoder;
import io.kvasir.gateway.api.json.Unicode;
import io.kvasir.gateway.engine.ModelEngine;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * {@code chat.completion.chunk}s: each choice's first chunk carries {@code role: assistant}, then its text as
 * it completes (tokens that hold back part of a character or a possible stop string send nothing unless
 * log-probabilities were asked for), then an empty delta with the finish reason; the usage chunk has no
 * choices.
 */
final class ChatChunkEncoder implements ChunkEncoder {

    private final String id;
    private final long created;
    private final String model;
    private final ModelEngine engine;
    private final boolean logprobs;
    private final boolean includeUsage;
    private final boolean[] started;
    private final UsageTally usage;

    ChatChunkEncoder(String id, long created, ModelEngine engine, int numChoices, int n, boolean logprobs,
            boolean includeUsage) {
        this.id = id;
        this.created = created;
        this.model = engine.name();
        this.engine = engine;
        this.logprobs = logprobs;
        this.includeUsage = includeUsage;
        this.started = new boolean[numChoices];
        this.usage = new UsageTally(n);
    }

    @Override
    public @Nullable Object token(int index, TokenOutput token) {
        if (token.text().isEmpty() && !logprobs) {
            return null;
        }
        ChatLogprobs entries = logprobs ? ChatLogprobs.of(List.of(token), engine) : null;
        return chunk(new ChatCompletion.ChunkChoice(index, delta(index, Unicode.repairLoneSurrogates(token.text())),
                entries, null));
    }

    @Override
    public Object finish(int index, GenerationResult result) {
        usage.add(index, result);
        return chunk(new ChatCompletion.ChunkChoice(index, started[index] ? new ChatCompletion.Delta(null, null)
                : delta(index, ""), null, UsageTally.finishReason(result.finishReason())));
    }

    @Override
    public @Nullable Object usage() {
        return includeUsage ? new ChatCompletion.Chunk(id, created, model, List.of(), usage.usage()) : null;
    }

    private ChatCompletion.Delta delta(int index, String text) {
        boolean first = !started[index];
        started[index] = true;
        return new ChatCompletion.Delta(first ? "assistant" : null, text);
    }

    private ChatCompletion.Chunk chunk(ChatCompletion.ChunkChoice choice) {
        return new ChatCompletion.Chunk(id, created, model, List.of(choice), null);
    }
}
