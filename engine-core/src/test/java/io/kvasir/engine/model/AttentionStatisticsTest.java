package io.kvasir.engine.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.kvasir.api.plugin.KvCodec;
import io.kvasir.api.plugin.PluginKind;
import io.kvasir.engine.kernel.ParallelExecutor;
import io.kvasir.engine.plugin.PluginRegistry;
import io.kvasir.engine.testing.SharedFiles;

/**
 * The attention statistics the forward pass collects for H2O and SnapKV, on stories260K: what each query
 * contributes, that chunking does not change them, and how far back this model's attention reaches (the fact
 * behind the eviction results in docs/strategies.md).
 */
class AttentionStatisticsTest {

    private static final int MAX_POSITIONS = 512;
    private static final int BLOCK_SIZE = 16;
    private static LoadedModel model;
    private static KvCodec f32;

    @BeforeAll
    static void load() throws Exception {
        model = LoadedModel.load(SharedFiles.require("models/stories260K.gguf"));
        f32 = PluginRegistry.load().create(PluginKind.KV_CODEC, "f32", Map.of(), KvCodec.class);
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
        }
    }

    /** What a step's statistics are handed to: the step's end position and its slots' statistics. */
    private interface StepObserver {
        void step(int to, float[] stepStats);
    }

    /** Runs {@code tokens} in steps of {@code chunk}, collecting for positions {@code >= collectFrom}; returns the summed statistics. */
    private static float[] collect(int[] tokens, int chunk, int collectFrom) {
        float[] stats = new float[tokens.length];
        run(tokens, chunk, collectFrom, (to, stepStats) -> {
            for (int slot = 0; slot < to; slot++) {
                stats[slot] += stepStats[slot];
            }
        });
        return stats;
    }

    private static void run(int[] tokens, int chunk, int collectFrom, StepObserver observer) {
        LlamaConfig config = model.config();
        // One thread: a step of this tiny model is shorter than a hand-off to a worker.
        try (ParallelExecutor executor = new ParallelExecutor(1);
                PagedKvMemory kv = new PagedKvMemory(config.numLayers(), MAX_POSITIONS / BLOCK_SIZE, BLOCK_SIZE,
                        config.numKvHeads(), config.headDim(), f32)) {
            LlamaModel forward = new LlamaModel(config, model.weights(), executor, chunk, MAX_POSITIONS, 1);
            int[] blockTable = new int[MAX_POSITIONS / BLOCK_SIZE];
            for (int i = 0; i < blockTable.length; i++) {
                blockTable[i] = i;
            }
            ForwardBatch batch = new ForwardBatch(chunk, 1);
            float[] stepStats = new float[tokens.length];
            for (int from = 0; from < tokens.length; from += chunk) {
                batch.clear();
                int seq = batch.addSequence(blockTable);
                int to = Math.min(tokens.length, from + chunk);
                int row = batch.newStatsRow();
                for (int p = from; p < to; p++) {
                    batch.addToken(seq, tokens[p], p, p, p == to - 1, p >= collectFrom ? row : ForwardBatch.NO_STATS);
                }
                forward.forward(batch, kv);
                java.util.Arrays.fill(stepStats, 0f);
                forward.addAttentionStats(0, to, stepStats);
                observer.step(to, stepStats);
            }
        }
    }

    private static int[] story(int index, int maxTokens) throws Exception {
        String[] stories = Files.readString(SharedFiles.require("eval/stories260K-samples.txt")).split("<\\|story\\|>");
        int[] tokens = model.tokenizer().encode(stories[index].strip(), true, false);
        return java.util.Arrays.copyOf(tokens, Math.min(tokens.length, maxTokens));
    }

    private static double sum(float[] values) {
        double sum = 0;
        for (float v : values) {
            sum += v;
        }
        return sum;
    }

    @Test
    void eachCollectingQueryGivesOneUnitPerLayerAndHeadAndOthersNothing() throws Exception {
        int[] tokens = story(0, 40);
        LlamaConfig config = model.config();
        double perQuery = config.numLayers() * config.numHeads();

        assertThat(sum(collect(tokens, 40, 37))).isCloseTo(3 * perQuery, org.assertj.core.data.Offset.offset(1e-3));
        assertThat(sum(collect(tokens, 40, 40))).isZero();
    }

    @Test
    void chunkedPrefillCollectsTheSameStatisticsAsOneStep() throws Exception {
        int[] tokens = story(1, 120);
        float[] whole = collect(tokens, 120, 0);
        for (int chunk : new int[] {1, 7, 32}) {
            float[] chunked = collect(tokens, chunk, 0);
            for (int slot = 0; slot < tokens.length; slot++) {
                assertThat(chunked[slot]).as("slot %d in chunks of %d", slot, chunk)
                        .isCloseTo(whole[slot], org.assertj.core.data.Offset.offset(1e-3f * Math.max(1f, whole[slot])));
            }
        }
    }

    @Test
    void storiesAttentionIsLocalAndHasNoSinks() throws Exception {
        // Each query from position 128 on, one per step: where its attention goes.
        double nearMass = 0;
        double sinkMass = 0;
        double total = 0;
        for (int s = 0; s < 3; s++) {
            double[] sums = new double[3];
            run(story(s, 400), 1, 128, (to, stepStats) -> {
                int q = to - 1;
                for (int slot = 0; slot <= q; slot++) {
                    sums[0] += stepStats[slot];
                    sums[1] += q - slot < 64 ? stepStats[slot] : 0;
                    sums[2] += slot < 4 ? stepStats[slot] : 0;
                }
            });
            total += sums[0];
            nearMass += sums[1];
            sinkMass += sums[2];
        }
        // Measured: 91% within the last 64 positions, 0.1% on the first four (16 stories, every query from 128 on).
        assertThat(nearMass / total).isGreaterThan(0.85);
        assertThat(sinkMass / total).isLessThan(0.01);
    }
}
