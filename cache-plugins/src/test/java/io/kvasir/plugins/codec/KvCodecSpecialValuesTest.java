package io.kvasir.plugins.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.kvasir.api.plugin.KvBlockLayout;

/** Degenerate blocks (zeros, constant vectors, huge and subnormal magnitudes) never decode or score to NaN. */
class KvCodecSpecialValuesTest {

    private static final int BLOCK_SIZE = 16;

    static List<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (CodecCase codec : CodecCase.all()) {
            for (int headDim : new int[] {64, 80}) {
                cases.add(Arguments.of(codec, headDim));
            }
        }
        return cases;
    }

    @ParameterizedTest(name = "{0} head {1}")
    @MethodSource("cases")
    void zerosDecodeToExactZeros(CodecCase codec, int headDim) {
        KvData zeros = KvData.filled(BLOCK_SIZE, headDim, 0f);
        runBlock(codec, zeros, true, "zeros");
    }

    @ParameterizedTest(name = "{0} head {1}")
    @MethodSource("cases")
    void constantVectorsStayWithinTheErrorBound(CodecCase codec, int headDim) {
        for (float value : new float[] {1f, -3.3f, 1000.7f, 1e-3f, -65000f}) {
            runBlock(codec, KvData.filled(BLOCK_SIZE, headDim, value), true, "all " + value);
        }
    }

    @ParameterizedTest(name = "{0} head {1}")
    @MethodSource("cases")
    void subnormalValuesStayWithinTheErrorBound(CodecCase codec, int headDim) {
        runBlock(codec, KvData.filled(BLOCK_SIZE, headDim, 1e-40f), true, "all 1e-40");
        KvData mixed = scaled(new SplittableRandom(5), headDim, 1e-39f, 0);
        runBlock(codec, mixed, true, "subnormal noise");
    }

    @ParameterizedTest(name = "{0} head {1}")
    @MethodSource("cases")
    void largeMagnitudesAndOutliersNeverProduceNaN(CodecCase codec, int headDim) {
        for (float magnitude : new float[] {1e4f, 1e6f, 1e20f, 1e30f}) {
            runBlock(codec, scaled(new SplittableRandom(11), headDim, magnitude, 0), false, "noise × " + magnitude);
            runBlock(codec, scaled(new SplittableRandom(13), headDim, 1e-3f, magnitude), false, "outlier " + magnitude);
            runBlock(codec, KvData.filled(BLOCK_SIZE, headDim, -magnitude), false, "all " + -magnitude);
        }
    }

    /** Gaussian noise times {@code magnitude}; with {@code outlier > 0}, channel 3 of every vector is {@code outlier}. */
    private static KvData scaled(SplittableRandom random, int headDim, float magnitude, float outlier) {
        KvData data = KvData.random(random, BLOCK_SIZE, headDim);
        for (int t = 0; t < BLOCK_SIZE; t++) {
            for (int c = 0; c < headDim; c++) {
                data.k[t][c] = (float) (KvData.gaussian(random) * magnitude);
                data.v[t][c] = (float) (KvData.gaussian(random) * magnitude);
            }
            if (outlier > 0) {
                data.k[t][3] = outlier;
                data.v[t][3] = -outlier;
            }
        }
        return data;
    }

    private static void runBlock(CodecCase codec, KvData data, boolean withinBound, String what) {
        int headDim = data.headDim;
        KvBlockLayout layout = codec.codec().layout(BLOCK_SIZE, headDim);
        SplittableRandom random = new SplittableRandom(3);
        float[] q = KvData.randomVector(random, headDim);
        float[] weights = new float[BLOCK_SIZE];
        java.util.Arrays.fill(weights, 1f / BLOCK_SIZE);
        try (Arena arena = Arena.ofConfined()) {
            TestBlock block = new TestBlock(layout, BLOCK_SIZE, arena, random);
            for (int written = 1; written <= BLOCK_SIZE; written++) {
                block.write(written - 1, data.k[written - 1], 0, data.v[written - 1], 0);
                String context = "%s, %d slots written".formatted(what, written);
                float[] k = new float[headDim];
                float[] v = new float[headDim];
                for (int t = 0; t < written; t++) {
                    block.read(t, k, 0, v, 0);
                    assertThat(k).as("%s %s K[%d]", codec, context, t).doesNotContain(Float.NaN);
                    assertThat(v).as("%s %s V[%d]", codec, context, t).doesNotContain(Float.NaN);
                    if (withinBound) {
                        KvCodecRoundTripTest.checkSlot(codec, block, data, written, t, context);
                    }
                }
                float[] scores = new float[written];
                block.keyScores(written, q, 0, 0.125f, scores, 0);
                assertThat(scores).as("%s %s scores", codec, context).doesNotContain(Float.NaN);
                float[] out = new float[headDim];
                block.accumulateValues(written, weights, 0, out, 0);
                assertThat(out).as("%s %s output", codec, context).doesNotContain(Float.NaN);
                if (withinBound && data.k[0][0] == 0f && data.v[0][0] == 0f) {
                    assertThat(scores).containsOnly(0f);
                    assertThat(out).containsOnly(0f);
                }
            }
        }
    }
}
