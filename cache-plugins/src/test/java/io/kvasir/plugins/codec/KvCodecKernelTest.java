package io.kvasir.plugins.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.kvasir.api.plugin.KvBlockLayout;

/**
 * {@code keyScores} and {@code accumulateValues} against the naive reference: decode every slot with
 * {@code read}, then compute the dot products and weighted sums in double.
 */
class KvCodecKernelTest {

    private static final double RELATIVE_TOLERANCE = 2e-5;

    static List<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (CodecCase codec : CodecCase.all()) {
            for (int headDim : new int[] {64, 80, 96, 128, 72, 33}) {
                for (int blockSize : new int[] {16, 32, 7}) {
                    cases.add(Arguments.of(codec, blockSize, headDim));
                }
            }
        }
        return cases;
    }

    @ParameterizedTest(name = "{0} block {1} head {2}")
    @MethodSource("cases")
    void kernelsMatchDecodeThenComputeForEveryFillAndPrefix(CodecCase codec, int blockSize, int headDim) {
        long seed = 1000L * headDim + blockSize;
        SplittableRandom random = new SplittableRandom(seed);
        KvData data = KvData.random(random, blockSize, headDim);
        KvBlockLayout layout = codec.codec().layout(blockSize, headDim);
        int numRuns = 0;
        try (Arena arena = Arena.ofConfined()) {
            TestBlock block = new TestBlock(layout, blockSize, arena, random);
            for (int written = 1; written <= blockSize; written++) {
                block.write(written - 1, data.k[written - 1], 0, data.v[written - 1], 0);
                float[][] decodedK = new float[written][headDim];
                float[][] decodedV = new float[written][headDim];
                for (int t = 0; t < written; t++) {
                    block.read(t, decodedK[t], 0, decodedV[t], 0);
                }
                // Every prefix of what was written: decode steps see all slots, causal prefill fewer.
                for (int numSlots = 0; numSlots <= written; numSlots++) {
                    String context = "%s seed %d: %d of %d slots written, %d read".formatted(codec, seed, written,
                            blockSize, numSlots);
                    checkKeyScores(block, decodedK, numSlots, random, context);
                    checkAccumulateValues(block, decodedV, numSlots, random, context);
                    numRuns++;
                }
            }
        }
        assertThat(numRuns).isEqualTo((blockSize + 1) * (blockSize + 2) / 2 - 1);
    }

    static void checkKeyScores(TestBlock block, float[][] decodedK, int numSlots,
            SplittableRandom random, String context) {
        int headDim = decodedK[0].length;
        int qOffset = random.nextInt(4);
        int scoresOffset = random.nextInt(4);
        float[] q = new float[qOffset + headDim + 3];
        for (int i = 0; i < q.length; i++) {
            // Elements around q's slice are NaN: reading them would show.
            q[i] = i < qOffset || i >= qOffset + headDim ? Float.NaN : (float) KvData.gaussian(random);
        }
        float scale = (float) (1 / Math.sqrt(headDim));
        float[] scores = new float[scoresOffset + numSlots + 3];
        java.util.Arrays.fill(scores, -7f);
        block.keyScores(numSlots, q, qOffset, scale, scores, scoresOffset);
        for (int t = 0; t < numSlots; t++) {
            double expected = 0;
            double magnitude = 0;
            for (int c = 0; c < headDim; c++) {
                expected += (double) q[qOffset + c] * decodedK[t][c];
                magnitude += Math.abs((double) q[qOffset + c] * decodedK[t][c]);
            }
            expected *= scale;
            double tolerance = RELATIVE_TOLERANCE * magnitude * scale + 1e-30;
            float actual = scores[scoresOffset + t];
            if (!(Math.abs(actual - expected) <= tolerance)) {
                fail("%s: score of slot %d is %s, expected %s (tolerance %s)".formatted(context, t, actual, expected,
                        tolerance));
            }
        }
        for (int i = 0; i < scores.length; i++) {
            if (i < scoresOffset || i >= scoresOffset + numSlots) {
                assertThat(scores[i]).as("%s: scores[%d] outside the slots is untouched", context, i).isEqualTo(-7f);
            }
        }
    }

    static void checkAccumulateValues(TestBlock block, float[][] decodedV, int numSlots,
            SplittableRandom random, String context) {
        int headDim = decodedV[0].length;
        int weightsOffset = random.nextInt(4);
        int outOffset = random.nextInt(4);
        float[] weights = new float[weightsOffset + numSlots + 2];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = i < weightsOffset || i >= weightsOffset + numSlots ? Float.NaN : (float) random.nextDouble();
        }
        float[] out = new float[outOffset + headDim + 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) KvData.gaussian(random);
        }
        float[] before = out.clone();
        block.accumulateValues(numSlots, weights, weightsOffset, out, outOffset);
        for (int i = 0; i < out.length; i++) {
            if (i < outOffset || i >= outOffset + headDim) {
                assertThat(out[i]).as("%s: out[%d] outside the head is untouched", context, i).isEqualTo(before[i]);
                continue;
            }
            int c = i - outOffset;
            double expected = before[i];
            double magnitude = Math.abs(before[i]);
            for (int t = 0; t < numSlots; t++) {
                expected += (double) weights[weightsOffset + t] * decodedV[t][c];
                magnitude += Math.abs((double) weights[weightsOffset + t] * decodedV[t][c]);
            }
            double tolerance = RELATIVE_TOLERANCE * magnitude + 1e-30;
            if (!(Math.abs(out[i] - expected) <= tolerance)) {
                fail("%s: out channel %d is %s, expected %s (tolerance %s)".formatted(context, c, out[i], expected,
                        tolerance));
            }
        }
    }
}
