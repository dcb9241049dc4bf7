package io.kvasir.engine.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.kvasir.api.plugin.KvCodec;
import io.kvasir.api.plugin.PluginKind;
import io.kvasir.engine.gguf.GgufFile;
import io.kvasir.engine.plugin.PluginRegistry;
import io.kvasir.engine.kernel.ParallelExecutor;
import io.kvasir.engine.testing.Goldens;
import io.kvasir.engine.testing.SharedFiles;

class LlamaModelGoldenTest {

    private static final int BLOCK_SIZE = 16;
    private static final KvCodec F32 = PluginRegistry.load().create(PluginKind.KV_CODEC, "f32", java.util.Map.of(), KvCodec.class);
    private static final int MAX_POSITIONS = 512;
    /**
     * llama.cpp keeps K and V in f16 and rounds Q and the attention weights to f16 inside its attention
     * products; Kvasir's reference path keeps them in f32. Emulating those roundings brings the four short
     * prompts within 7e-4, but the 163-token prompt still drifts to 3e-2 past position 13, so the bound here
     * is the f32-vs-f16 gap measured on these goldens (max 0.025), while greedy tokens must match exactly.
     */
    private static final float LOGIT_TOLERANCE = 0.03f;

    @Test
    void stories260KPromptLogitsAndGreedyTokensMatchLlamaCpp() throws Exception {
        Goldens goldens = Goldens.load("stories260K");
        try (GgufFile gguf = GgufFile.open(SharedFiles.require("models/stories260K.gguf"));
                ParallelExecutor executor = new ParallelExecutor(2)) {
            LlamaConfig config = LlamaConfig.fromMetadata(gguf.metadata(),
                    gguf.metadata().getStringArray("tokenizer.ggml.tokens").length);
            LlamaModel model = new LlamaModel(config, LlamaWeights.load(gguf, config), executor, 256, MAX_POSITIONS);
            for (Goldens.Case c : goldens.cases()) {
                try (PagedKvMemory kv = new PagedKvMemory(config.numLayers(), MAX_POSITIONS / BLOCK_SIZE, BLOCK_SIZE,
                        config.numKvHeads(), config.headDim(), F32)) {
                    int[] blockTable = new int[MAX_POSITIONS / BLOCK_SIZE];
                    for (int i = 0; i < blockTable.length; i++) {
                        blockTable[i] = blockTable.length - 1 - i;
                    }
                    ForwardBatch batch = new ForwardBatch(256, 1);
                    int seq = batch.addSequence(blockTable);
                    int[] prompt = c.promptTokens();
                    for (int p = 0; p < prompt.length; p++) {
                        batch.addToken(seq, prompt[p], p, true);
                    }
                    float[] logits = model.forward(batch, kv);
                    float maxDiff = 0;
                    for (int p = 0; p < prompt.length; p++) {
                        for (int j = 0; j < config.vocabSize(); j++) {
                            maxDiff = Math.max(maxDiff, Math.abs(logits[p * config.vocabSize() + j] - c.promptLogits()[p][j]));
                        }
                    }
                    assertThat(maxDiff).as("max logit difference for '%s'", c.prompt()).isLessThan(LOGIT_TOLERANCE);

                    int next = argmax(logits, (prompt.length - 1) * config.vocabSize(), config.vocabSize());
                    int[] generated = new int[c.greedyTokens().length];
                    int pos = prompt.length;
                    for (int i = 0; i < generated.length; i++) {
                        generated[i] = next;
                        batch.clear();
                        seq = batch.addSequence(blockTable);
                        batch.addToken(seq, next, pos++, true);
                        next = argmax(model.forward(batch, kv), 0, config.vocabSize());
                    }
                    assertThat(generated).as("greedy tokens for '%s'", c.prompt()).containsExactly(c.greedyTokens());
                }
            }
        }
    }

    static int argmax(float[] values, int offset, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) {
            if (values[offset + i] > values[offset + best]) {
                best = i;
            }
        }
        return best;
    }
}
