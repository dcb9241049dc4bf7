package io.kvasir.plugins.codec.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class Int4ZeroPointTest {

    private static void checkCovers(float min, float max) {
        int params = Int4ZeroPoint.of(min, max);
        float scale = ScaleByte.decode(Int4ZeroPoint.scaleCode(params));
        int zero = Int4ZeroPoint.zero(params);
        String context = "[%s, %s]: scale %s zero %d".formatted(min, max, scale, zero);
        // The codes span the group: nothing clips, so every element is within half a step.
        assertThat(scale * (0 - zero)).as(context).isLessThanOrEqualTo(min);
        assertThat(scale * (Int4Params.MAX_CODE - zero)).as(context).isGreaterThanOrEqualTo(max);
        float absMax = Math.max(Math.abs(min), Math.abs(max));
        assertThat((double) scale).as(context)
                .isLessThanOrEqualTo(Math.max((max - min) / 14.0, absMax / 127.0) * 1.125 + 0x1p-17);
        for (float x : new float[] {min, max, (min + max) / 2, min + (max - min) * 0.3f}) {
            float decoded = Int4ZeroPoint.decode(Int4ZeroPoint.code(x, scale, zero), scale, zero);
            assertThat(Math.abs(decoded - x)).as(context + " x " + x).isLessThanOrEqualTo(scale / 2 * 1.0001f);
        }
    }

    @Test
    void theCodesSpanEveryGroupWithinHalfAStep() {
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < 20_000; i++) {
            double magnitude = Math.pow(10, random.nextDouble(-6, 4));
            float a = (float) (random.nextDouble(-1, 1) * magnitude);
            float b = (float) (random.nextDouble(-1, 1) * magnitude);
            checkCovers(Math.min(a, b), Math.max(a, b));
        }
    }

    @Test
    void groupsFarFromZeroStillFitAByteZeroPoint() {
        checkCovers(100f, 101f);
        checkCovers(-101f, -100f);
        checkCovers(3f, 3f);
        checkCovers(-0.5f, 40000f);
        checkCovers(1e-7f, 2e-7f);
    }

    @Test
    void allZerosDecodeToZero() {
        int params = Int4ZeroPoint.of(0f, 0f);
        float scale = ScaleByte.decode(Int4ZeroPoint.scaleCode(params));
        int zero = Int4ZeroPoint.zero(params);
        assertThat(Int4ZeroPoint.decode(Int4ZeroPoint.code(0f, scale, zero), scale, zero)).isZero();
    }
}
