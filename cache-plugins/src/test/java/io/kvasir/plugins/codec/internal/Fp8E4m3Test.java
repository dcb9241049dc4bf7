package io.kvasir.plugins.codec.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import org.junit.jupiter.api.Test;

import jdk.incubator.vector.ByteVector;

class Fp8E4m3Test {

    @Test
    void tableHoldsTheOcpE4m3Values() {
        assertThat(Fp8E4m3.decode((byte) 0x00)).isZero();
        assertThat(Fp8E4m3.decode((byte) 0x01)).isEqualTo(0x1p-9f);
        assertThat(Fp8E4m3.decode((byte) 0x07)).isEqualTo(7 * 0x1p-9f);
        assertThat(Fp8E4m3.decode((byte) 0x08)).isEqualTo(0x1p-6f);
        assertThat(Fp8E4m3.decode((byte) 0x38)).isEqualTo(1f);
        assertThat(Fp8E4m3.decode((byte) 0x3c)).isEqualTo(1.5f);
        assertThat(Fp8E4m3.decode((byte) 0x7e)).isEqualTo(448f);
        assertThat(Fp8E4m3.decode((byte) 0xfe)).isEqualTo(-448f);
        assertThat(Fp8E4m3.decode((byte) 0x7f)).isNaN();
        assertThat(Fp8E4m3.decode((byte) 0xff)).isNaN();
    }

    @Test
    void encodingEveryFiniteValueGivesItsCodeBack() {
        for (int code = 0; code < 256; code++) {
            float value = Fp8E4m3.decode((byte) code);
            if (!Float.isNaN(value)) {
                int expected = value == 0f && (code & 0x80) != 0 ? 0x80 : code;
                assertThat(Fp8E4m3.encode(value) & 0xff).as("code 0x%02x", code).isEqualTo(expected);
            }
        }
    }

    @Test
    void encodingRoundsToNearestTiesToEvenAndSaturates() {
        assertThat(Fp8E4m3.decode(Fp8E4m3.encode(1.0625f))).isEqualTo(1f);
        assertThat(Fp8E4m3.decode(Fp8E4m3.encode(1.1875f))).isEqualTo(1.25f);
        assertThat(Fp8E4m3.decode(Fp8E4m3.encode(1.07f))).isEqualTo(1.125f);
        assertThat(Fp8E4m3.decode(Fp8E4m3.encode(1.5f * 0x1p-9f))).isEqualTo(2 * 0x1p-9f);
        assertThat(Fp8E4m3.decode(Fp8E4m3.encode(0.5f * 0x1p-9f))).isZero();
        assertThat(Fp8E4m3.decode(Fp8E4m3.encode(15.5f * 0x1p-10f))).isEqualTo(0x1p-6f);
        assertThat(Fp8E4m3.decode(Fp8E4m3.encode(464f))).isEqualTo(448f);
        assertThat(Fp8E4m3.decode(Fp8E4m3.encode(1e30f))).isEqualTo(448f);
        assertThat(Fp8E4m3.decode(Fp8E4m3.encode(-1e30f))).isEqualTo(-448f);
    }

    @Test
    void encodingIsNearestForEveryValueBetweenCodes() {
        for (int code = 0; code < 0x7e; code++) {
            float lo = Fp8E4m3.decode((byte) code);
            float hi = Fp8E4m3.decode((byte) (code + 1));
            for (int i = 1; i < 16; i++) {
                float x = lo + (hi - lo) * i / 16;
                float y = Fp8E4m3.decode(Fp8E4m3.encode(x));
                assertThat(Math.abs(y - x)).as("%s -> %s", x, y).isLessThanOrEqualTo(Math.min(x - lo, hi - x));
            }
        }
    }

    @Test
    void vectorDecodingMatchesTheTableForEveryCode() {
        int numChecked = 0;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment codes = arena.allocate(Lanes.E);
            float[] decoded = new float[Lanes.L];
            for (int first = 0; first < 256; first += Lanes.E) {
                for (int i = 0; i < Lanes.E; i++) {
                    codes.set(ValueLayout.JAVA_BYTE, i, (byte) (first + i));
                }
                ByteVector chunk = ByteVector.fromMemorySegment(Lanes.B, codes, 0, Lanes.LE);
                for (int part = 0; part < Lanes.PARTS; part++) {
                    Fp8E4m3.toFloats(chunk, part).intoArray(decoded, 0);
                    for (int i = 0; i < Lanes.L; i++) {
                        byte code = (byte) (first + part * Lanes.L + i);
                        float expected = Fp8E4m3.decode(code);
                        if (!Float.isNaN(expected)) {
                            assertThat(Float.floatToRawIntBits(decoded[i])).as("code 0x%02x", code & 0xff)
                                    .isEqualTo(Float.floatToRawIntBits(expected));
                            numChecked++;
                        }
                    }
                }
            }
        }
        assertThat(numChecked).isEqualTo(254);
    }
}
