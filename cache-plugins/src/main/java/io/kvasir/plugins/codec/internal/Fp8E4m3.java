package io.kvasir.plugins.codec.internal;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * OCP 8-bit floating point E4M3 (OFP8 spec 1.0): sign, 4 exponent bits with bias 7, 3 mantissa bits; no
 * infinities, {@code S.1111.111} is NaN, so the largest finite magnitude is 448 ({@code 0x7E}).
 *
 * <p>Scalar decoding goes through a 256-entry table. {@link #toFloats} decodes a vector with integer lane
 * operations instead (a gather per lane would cost more than the arithmetic), the way {@link Half#toFloats}
 * does: the code's bits moved into float position read as 2^-120 times its value; tests check it against
 * the table for every code.
 */
public final class Fp8E4m3 {

    /** The largest finite magnitude. */
    public static final float MAX = 448f;
    private static final int MAX_CODE = 0x7e;
    private static final int EXPONENT_REBIAS = (127 - 7) << 23;
    private static final float SMALLEST_NORMAL = 0x1p-6f;
    private static final int SIGN_EXPONENT_MANTISSA = 0x87f00000;

    private static final float[] TABLE = new float[256];

    static {
        for (int code = 0; code < 256; code++) {
            int exponent = (code >>> 3) & 0xf;
            int mantissa = code & 0x7;
            float magnitude;
            if (exponent == 0xf && mantissa == 0x7) {
                magnitude = Float.NaN;
            } else if (exponent == 0) {
                magnitude = mantissa * 0x1p-9f;
            } else {
                magnitude = (1f + mantissa / 8f) * Math.scalb(1f, exponent - 7);
            }
            TABLE[code] = (code & 0x80) != 0 ? -magnitude : magnitude;
        }
    }

    private Fp8E4m3() {
    }

    /** The value of an E4M3 code. */
    public static float decode(byte code) {
        return TABLE[code & 0xff];
    }

    /** The nearest E4M3 code (ties to even) for a finite {@code value}, saturated to ±448; never NaN. */
    public static byte encode(float value) {
        assert !Float.isNaN(value) : "NaN";
        int sign = (Float.floatToRawIntBits(value) >>> 24) & 0x80;
        float magnitude = Math.min(Math.abs(value), MAX);
        int code;
        if (magnitude < SMALLEST_NORMAL) {
            // Subnormal steps are 2^-9; rint's tie to even matches the format's, and 8 is the smallest normal.
            code = (int) Math.rint(magnitude * 0x1p9f);
        } else {
            int bits = Float.floatToRawIntBits(magnitude);
            // Round the 23-bit mantissa to 3 bits, ties to even; a carry moves into the exponent as it should.
            int rounded = bits + 0x7ffff + ((bits >>> 20) & 1);
            code = Math.min((rounded >>> 20) - (EXPONENT_REBIAS >>> 20), MAX_CODE);
        }
        return (byte) (sign | code);
    }

    /**
     * Lanes {@code part*L ..} of a chunk of E4M3 codes as floats; NaN codes decode to garbage. Kept under
     * C2's 35-byte always-inline size, as {@link Half#toFloats} is.
     */
    public static FloatVector toFloats(ByteVector codes, int part) {
        return decode(Lanes.widen(codes, part));
    }

    /** {@code bits} is sign-extended: after the shift bit 31 is the sign, bits 27-30 copies the mask clears. */
    private static FloatVector decode(IntVector bits) {
        return bits.lanewise(VectorOperators.LSHL, 20).and(SIGN_EXPONENT_MANTISSA).reinterpretAsFloats().mul(0x1p120f);
    }
}
