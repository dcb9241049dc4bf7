package io.kvasir.plugins.codec.internal;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

/**
 * IEEE 754 binary16 helpers. Java 25's Vector API has no float16 conversion (no {@code HF_TO_F} operator;
 * {@code S2F} converts integers), so {@link #toFloats} rebuilds the float with integer lane operations: the
 * half's sign, exponent and mantissa moved into float position read as a float 2^-112 times the half's
 * value, so one multiply by 2^112 finishes the job, exactly, for every finite half.
 *
 * <p>A subnormal half becomes a subnormal float before that multiply. AMD Zen cores take it at full speed;
 * some Intel cores need a microcode assist for it, which costs time only when K or V elements below
 * 6.1e-5 in magnitude (zero excepted) appear, rarely.
 */
public final class Half {

    /** The largest finite half. */
    public static final float MAX = 65504f;

    private static final short MAX_BITS = 0x7bff;
    private static final int SIGN_EXPONENT_MANTISSA = 0x8fffe000;

    private Half() {
    }

    /** The nearest half, saturated to ±{@link #MAX} so that large values never become infinite. */
    public static short saturate(float value) {
        return Float.floatToFloat16(Math.max(-MAX, Math.min(MAX, value)));
    }

    /** The smallest half {@code >= value} for {@code value >= 0}, saturated to {@link #MAX}. */
    public static short ceilNonNegative(float value) {
        assert value >= 0 : value;
        short h = saturate(value);
        if (Float.float16ToFloat(h) < value && h != MAX_BITS) {
            h++;
        }
        return h;
    }

    /** The largest half {@code <= value}, saturated to ±{@link #MAX} (so below -65504 it is -65504, not below). */
    public static short floorSaturated(float value) {
        short h = saturate(value);
        if (Float.float16ToFloat(h) > value && h != (short) (MAX_BITS | 0x8000)) {
            // Toward -infinity: a positive half's bits go down, a negative one's (sign bit set, -0 included) go up.
            h = (short) (value > 0 ? h - 1 : h + 1);
        }
        return h;
    }

    /**
     * The half at lane bits of {@code halves} as floats; lanes holding infinity or NaN decode to garbage.
     * Each helper stays under C2's 35-byte always-inline size: one that fails to inline returns a boxed
     * vector, which allocates in the kernel loop.
     */
    public static FloatVector toFloats(ShortVector halves) {
        return decode((IntVector) halves.convertShape(VectorOperators.S2I, Lanes.I, 0));
    }

    /**
     * {@code bits} is sign-extended, so after the shift bit 31 is the sign and bits 28-30 are copies of it,
     * which the mask clears.
     */
    private static FloatVector decode(IntVector bits) {
        return bits.lanewise(VectorOperators.LSHL, 13).and(SIGN_EXPONENT_MANTISSA).reinterpretAsFloats().mul(0x1p112f);
    }
}
