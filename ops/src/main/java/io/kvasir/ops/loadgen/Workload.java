package io.kvasir.ops.loadgen;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

import org.jspecify.annotations.Nullable;

/**
 * What the simulated users ask: prompt and output lengths drawn per request, prompt text from the corpus,
 * and an optional system prompt that every request shares (so the gateway's prefix cache has something to
 * reuse). The system prompt is drawn once from the seed, so runs with the same seed share it.
 */
final class Workload {

    private final PromptCorpus corpus;
    private final LengthDistribution promptTokens;
    private final LengthDistribution outputTokens;
    private final int systemPromptTokens;
    private final @Nullable String systemPrompt;

    Workload(PromptCorpus corpus, LengthDistribution promptTokens, LengthDistribution outputTokens,
            int systemPromptTokens, long seed) {
        if (systemPromptTokens < 0) {
            throw new IllegalArgumentException("--system-prompt-tokens must not be negative, got " + systemPromptTokens);
        }
        this.corpus = corpus;
        this.promptTokens = promptTokens;
        this.outputTokens = outputTokens;
        this.systemPromptTokens = systemPromptTokens;
        this.systemPrompt = systemPromptTokens == 0 ? null
                : corpus.text(systemPromptTokens, new SplittableRandom(seed ^ 0x5157_454D_5052_4F4DL));
    }

    /** The next request of tenant {@code tenantIndex}, drawn from {@code random}. */
    PlannedRequest next(int tenantIndex, RandomGenerator random) {
        String prompt = corpus.text(promptTokens.sample(random), random);
        return new PlannedRequest(tenantIndex, systemPrompt, prompt, outputTokens.sample(random));
    }

    LengthDistribution promptTokens() {
        return promptTokens;
    }

    LengthDistribution outputTokens() {
        return outputTokens;
    }

    int systemPromptTokens() {
        return systemPromptTokens;
    }
}
