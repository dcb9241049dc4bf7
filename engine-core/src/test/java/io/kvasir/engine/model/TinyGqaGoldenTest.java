package io.kvasir.engine.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.kvasir.api.plugin.KvCodec;
import io.kvasir.api.plugin.PluginKind;
import io.kvasir.engine.gguf.GgufFile;
import io.kvasir.engine.kernel.KernelChoice;
import io.kvasir.engine.kernel.ParallelExecutor;
import io.kvasir.engine.plugin.PluginRegistry;
import io.kvasir.engine.testing.Goldens;
import io.kvasir.engine.testing.SharedFiles;

/**
 * The synthetic GQA model in six tensor types against llama.cpp, at every prompt position and for the first 8
 * greedy tokens. F32 and F16 must pick exactly llama.cpp's tokens. For the quantised types llama.cpp
 * quantises activations to 8 bits inside its products (Kvasir multiplies full-precision activations), so on
 * this random-weight model, whose top logits often lie within a few hundredths of each other, a different
 * pick is accepted only when it is a near tie in llama.cpp's own logits ({@link #NEAR_TIE}); greedy
 * comparison stops at such a tie, since the continuations legitimately diverge from there.
 *
 * <p>Q8_0 runs twice: on the Java kernels and on the native ones ({@link KernelChoice#NATIVE}, skipped where the
 * native kernels are unavailable), which quantise the activations to 8 bits as llama.cpp does.
 *
 * <p>One case is excluded for Q4_0: llama.cpp's logits for the 163-token prompt differ by 2.2 at position 0
 * (the BOS token, identical in every case) from its own logits for the short prompts, so its batched Q4_0 path
 * disagrees with its single-token path; Kvasir's position-0 logits are the same in every case.
 */
class TinyGqaGoldenTest {

    private static final int BLOCK_SIZE = 16;
    private static final int MAX_POSITIONS = 512;
    /** How close, in llama.cpp's logits, a different pick must be to llama.cpp's to count as a tie. */
    private static final float NEAR_TIE = 0.08f;

    @ParameterizedTest(name = "{0} on {1} kernels")
    @CsvSource({"f32, java", "f16, java", "q8_0, java", "q8_0, native", "q4_0, java", "q4_k, java", "q6_k, java"})
    void argmaxAtEveryPromptPositionAndFirstGreedyTokensMatchLlamaCpp(String type, String kernelName) throws Exception {
        KernelChoice kernels = KernelChoice.parse(kernelName);
        assumeTrue(kernels != KernelChoice.NATIVE || KernelChoice.nativeAvailable(),
                () -> "native kernels unavailable: " + KernelChoice.nativeUnavailableReason());
        Goldens goldens = Goldens.load("tiny-gqa-" + type);
        KvCodec f32 = PluginRegistry.load().create(PluginKind.KV_CODEC, "f32", Map.of(), KvCodec.class);
        try (GgufFile gguf = GgufFile.open(SharedFiles.require("models/tiny-gqa-" + type + ".gguf"));
                ParallelExecutor executor = new ParallelExecutor(2)) {
            LlamaConfig config = LlamaConfig.fromMetadata(gguf.metadata(),
                    gguf.metadata().getStringArray("tokenizer.ggml.tokens").length);
            LlamaModel model = new LlamaModel(config, LlamaWeights.load(gguf, config), executor, 256, MAX_POSITIONS, 1,
                    kernels);
            int vocab = config.vocabSize();
            float maxDiff = 0;
            boolean exact = type.equals("f32") || type.equals("f16");
            int numNearTies = 0;
            for (Goldens.Case c : goldens.cases()) {
                if (type.equals("q4_0") && c.promptTokens().length > 100) {
                    continue;
                }
                try (PagedKvMemory kv = new PagedKvMemory(config.numLayers(), MAX_POSITIONS / BLOCK_SIZE, BLOCK_SIZE,
                        config.numKvHeads(), config.headDim(), f32)) {
                    int[] blockTable = new int[MAX_POSITIONS / BLOCK_SIZE];
                    for (int i = 0; i < blockTable.length; i++) {
                        blockTable[i] = i;
                    }
                    ForwardBatch batch = new ForwardBatch(256, 1);
                    int seq = batch.addSequence(blockTable);
                    int[] prompt = c.promptTokens();
                    for (int p = 0; p < prompt.length; p++) {
                        batch.addToken(seq, prompt[p], p, true);
                    }
                    float[] logits = model.forward(batch, kv);
                    for (int p = 0; p < prompt.length; p++) {
                        float[] expected = c.promptLogits()[p];
                        int ours = LlamaModelGoldenTest.argmax(logits, p * vocab, vocab);
                        int theirs = LlamaModelGoldenTest.argmax(expected, 0, vocab);
                        if (ours != theirs) {
                            assertThat(exact).as("%s argmax at position %d of '%s'", type, p, c.prompt()).isFalse();
                            assertThat(expected[theirs] - expected[ours]).as("%s: %d instead of %d at position %d is a near tie",
                                    type, ours, theirs, p).isLessThan(NEAR_TIE);
                            numNearTies++;
                        }
                        for (int j = 0; j < vocab; j++) {
                            maxDiff = Math.max(maxDiff, Math.abs(logits[p * vocab + j] - expected[j]));
                        }
                    }
                    int next = LlamaModelGoldenTest.argmax(logits, (prompt.length - 1) * vocab, vocab);
                    int pos = prompt.length;
                    for (int i = 0; i < 8; i++) {
                        if (next != c.greedyTokens()[i] && !exact) {
                            numNearTies++;
                            break;
                        }
                        assertThat(next).as("%s greedy token %d after '%s'", type, i, c.prompt()).isEqualTo(c.greedyTokens()[i]);
                        batch.clear();
                        seq = batch.addSequence(blockTable);
                        batch.addToken(seq, next, pos++, true);
                        next = LlamaModelGoldenTest.argmax(model.forward(batch, kv), 0, vocab);
                    }
                }
            }
            System.out.printf("tiny-gqa-%s (%s kernels): largest prompt-logit difference from llama.cpp %.5f, near-tie picks %d%n",
                    type, kernelName, maxDiff, numNearTies);
            assertThat(maxDiff).as("largest logit difference for %s", type).isLessThan(0.5f);
        }
    }
}
