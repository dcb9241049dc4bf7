package io.kvasir.engine.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.MemorySegment;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.kvasir.engine.gguf.GgmlType;

class QuantizerTest {

    private static float[] gaussian(int n, long seed) {
        Random random = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) random.nextGaussian() * (i % 97 == 0 ? 8 : 1);
        }
        return x;
    }

    private static float[] roundTrip(GgmlType type, float[] x) {
        byte[] packed = Quantizer.quantize(type, x);
        assertThat((long) packed.length).isEqualTo(type.byteSize(x.length));
        return ReferenceDequantizer.dequantize(type, MemorySegment.ofArray(packed), 0, x.length);
    }

    /** Largest error over each group of {@code group} elements, relative to that group's largest magnitude. */
    private static double worstRelativeError(float[] x, float[] y, int group) {
        double worst = 0;
        for (int g = 0; g < x.length; g += group) {
            double amax = 0;
            double error = 0;
            for (int i = g; i < g + group; i++) {
                amax = Math.max(amax, Math.abs(x[i]));
                error = Math.max(error, Math.abs(x[i] - y[i]));
            }
            worst = Math.max(worst, error / amax);
        }
        return worst;
    }

    @Test
    void plainTypesRoundTripToTheirPrecision() {
        float[] x = gaussian(1000, 1);
        assertThat(roundTrip(GgmlType.F32, x)).containsExactly(x);
        assertThat(worstRelativeError(x, roundTrip(GgmlType.F16, x), 1)).isLessThan(1e-3);
        assertThat(worstRelativeError(x, roundTrip(GgmlType.BF16, x), 1)).isLessThan(8e-3);
    }

    @Test
    void blockQuantisersStayWithinTheirStepSize() {
        float[] x = gaussian(4096, 2);
        // Q8_0: half a step (max / 127) plus the f16 rounding of the scale. Q4_0: llama.cpp maps the largest
        // magnitude to -8, so values near +max clamp at 7, a whole step (max / 8) off.
        assertThat(worstRelativeError(x, roundTrip(GgmlType.Q8_0, x), 32)).isLessThan(0.5 / 127 + 1e-3);
        assertThat(worstRelativeError(x, roundTrip(GgmlType.Q4_0, x), 32)).isLessThan(1.0 / 8 + 1e-2);
        // Q4_K: half a step of range / 15, where the range is up to twice the max. Q6_K: half of max / 31,
        // widened by the 8-bit sub-block scale.
        assertThat(worstRelativeError(x, roundTrip(GgmlType.Q4_K, x), 32)).isLessThan(1.0 / 15 + 1e-2);
        assertThat(worstRelativeError(x, roundTrip(GgmlType.Q6_K, x), 16)).isLessThan(0.6 / 31);
    }

    @Test
    void q8_0MatchesLlamaCppReferenceBits() {
        float[] x = new float[32];
        for (int i = 0; i < 32; i++) {
            x[i] = (i - 10) * 0.25f;
        }
        byte[] packed = Quantizer.quantize(GgmlType.Q8_0, x);
        // amax = 5.25, d = 5.25 / 127; q = round(x / d) with halves away from zero.
        float d = 5.25f / 127;
        assertThat(Float.float16ToFloat((short) ((packed[0] & 0xff) | (packed[1] << 8))))
                .isEqualTo(Float.float16ToFloat(Float.floatToFloat16(d)));
        for (int i = 0; i < 32; i++) {
            float scaled = x[i] * (1 / d);
            int expected = (int) Math.copySign(Math.floor(Math.abs(scaled) + 0.5), scaled);
            assertThat((int) packed[2 + i]).as("q[%d]", i).isEqualTo(expected);
        }
        assertThat((int) packed[2 + 31]).isEqualTo(127);
    }

    @Test
    void q4_0MapsTheLargestMagnitudeToMinusEight() {
        float[] x = new float[32];
        x[3] = -4f;
        x[20] = 2f;
        byte[] packed = Quantizer.quantize(GgmlType.Q4_0, x);
        float[] y = ReferenceDequantizer.dequantize(GgmlType.Q4_0, MemorySegment.ofArray(packed), 0, 32);
        assertThat(y[3]).isEqualTo(-4f);
        assertThat(y[20]).isEqualTo(2f);
        assertThat(y[0]).isEqualTo(0f);
    }

    @Test
    void allZeroBlocksStayZero() {
        float[] zeros = new float[512];
        for (GgmlType type : TestWeights.TYPES) {
            for (float v : roundTrip(type, zeros)) {
                assertThat(v == 0f).as("%s gives %s", type, v).isTrue();
            }
        }
    }

    @Test
    void rejectsPartialBlocksAndUnsupportedTypes() {
        assertThatThrownBy(() -> Quantizer.quantize(GgmlType.Q4_K, new float[128]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Quantizer.quantize(GgmlType.Q5_0, new float[32]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot quantise");
    }
}
