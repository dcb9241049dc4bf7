package io.kvasir.gateway.api.openai;

import io.kvasir.api.GenerationResult;
import io.kvasir.api.TokenOutput;
import io.kvasir.gateway.api.generation.ChunkEncoder;
import io.kvasir.gateway.api.json.Unicode;
import io.kvasir.gateway.engine.ModelEngine;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Streaming {@code text_completion} chunks: each token's text (with its log-probabilities and text offset when
 * asked for), an empty-text chunk with the finish reason per choice, and the usage chunk with no choices.
 */
final class CompletionChunkEncoder implements ChunkEncoder {

    private final String id;
    private final long created;
    private final String model;
    private final ModelEngine engine;
    private final boolean logprobs;
    private final boolean includeUsage;
    private final int[] textOffsets;
    private final UsageTally usage;

    CompletionChunkEncoder(String id, long created, ModelEngine engine, int numChoices, int n, boolean logprobs,
            boolean includeUsage) {
        this.id = id;
        this.created = created;
        this.model = engine.name();
        this.engine = engine;
        this.logprobs = logprobs;
        this.includeUsage = includeUsage;
        this.textOffsets = new int[numChoices];
        this.usage = new UsageTally(n);
    }

    @Override
    public @Nullable Object token(int index, TokenOutput token) {
        if (token.text().isEmpty() && !logprobs) {
            return null;
        }
        String text = Unicode.repairLoneSurrogates(token.text());
        CompletionLogprobs entries = logprobs ? CompletionLogprobs.of(List.of(token), engine, textOffsets[index]) : null;
        textOffsets[index] += text.length();
        return new Completion(id, created, model, List.of(new Completion.Choice(index, text, entries, null)), null);
    }

    @Override
    public Object finish(int index, GenerationResult result) {
        usage.add(index, result);
        String reason = UsageTally.finishReason(result.finishReason());
        return new Completion(id, created, model, List.of(new Completion.Choice(index, "", null, reason)), null);
    }

    @Override
    public @Nullable Object usage() {
        return includeUsage ? new Completion(id, created, model, List.of(), usage.usage()) : null;
    }
}
