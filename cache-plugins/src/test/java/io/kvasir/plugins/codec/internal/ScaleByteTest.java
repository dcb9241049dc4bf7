package io.kvasir.plugins.codec.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import jdk.incubator.vector.ByteVector;

class ScaleByteTest {

    @Test
    void everyCodeIsTheHighByteOfAnUnsignedHalf() {
        for (int code = 0; code <= ScaleByte.MAX_CODE; code++) {
            assertThat(ScaleByte.decode((byte) code)).as("code 0x%02x", code)
                    .isEqualTo(Float.float16ToFloat((short) (code << 7)));
        }
        assertThat(ScaleByte.decode((byte) ScaleByte.MAX_CODE)).isEqualTo(ScaleByte.MAX);
    }

    @Test
    void ceilingIsTheSmallestScaleNotBelowTheValue() {
        SplittableRandom random = new SplittableRandom(17);
        for (int i = 0; i < 100_000; i++) {
            float value = (float) Math.scalb(random.nextDouble(1, 2), random.nextInt(-30, 15));
            byte code = ScaleByte.ceil(value);
            float scale = ScaleByte.decode(code);
            assertThat(scale).as("ceil(%s)", value).isGreaterThanOrEqualTo(value);
            if (code != 0) {
                assertThat(ScaleByte.decode((byte) (code - 1))).as("ceil(%s)", value).isLessThan(value);
            }
            if (value >= 0x1p-14f) {
                assertThat(scale).as("relative step above the subnormals").isLessThanOrEqualTo(value * 1.125f);
            }
        }
        assertThat(ScaleByte.decode(ScaleByte.ceil(0f))).isZero();
        assertThat(ScaleByte.decode(ScaleByte.ceil(1e-30f))).isEqualTo(0x1p-17f);
        assertThat(ScaleByte.decode(ScaleByte.ceil(1f))).isEqualTo(1f);
        assertThat(ScaleByte.decode(ScaleByte.ceil(1.01f))).isEqualTo(1.125f);
        assertThat(ScaleByte.ceil(1e9f)).as("saturates").isEqualTo((byte) ScaleByte.MAX_CODE);
    }

    @Test
    void vectorDecodingMatchesTheTableForEveryCode() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment codes = arena.allocate(Lanes.E);
            float[] decoded = new float[Lanes.L];
            for (int first = 0; first <= ScaleByte.MAX_CODE; first += Lanes.E) {
                for (int i = 0; i < Lanes.E; i++) {
                    codes.set(java.lang.foreign.ValueLayout.JAVA_BYTE, i, (byte) Math.min(first + i, ScaleByte.MAX_CODE));
                }
                ByteVector chunk = ByteVector.fromMemorySegment(Lanes.B, codes, 0, Lanes.LE);
                for (int part = 0; part < Lanes.PARTS; part++) {
                    ScaleByte.toFloats(chunk, part).intoArray(decoded, 0);
                    for (int i = 0; i < Lanes.L; i++) {
                        int code = Math.min(first + part * Lanes.L + i, ScaleByte.MAX_CODE);
                        assertThat(Float.floatToRawIntBits(decoded[i])).as("code 0x%02x", code)
                                .isEqualTo(Float.floatToRawIntBits(ScaleByte.decode((byte) code)));
                    }
                }
            }
        }
    }
}
