package io.kvasir.plugins.codec.internal;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * A non-negative scale in one byte: an unsigned 8-bit float with 5 exponent bits (bias 15) and 3 mantissa bits,
 * which is exactly the high byte of a non-negative IEEE half once its sign bit is dropped ({@code half = code << 7}).
 * It spans f16's range (normal from 2^-14, subnormal steps of 2^-17, largest 61440) at a relative step of 2^-3.
 *
 * <p>Scales are always rounded <em>up</em> ({@link #ceil}), so a vector quantised with the stored scale never
 * clips: the price is a step up to 12.5% coarser than the exact {@code range / codes}. Codes above
 * {@link #MAX_CODE} (f16 infinities and NaNs) are never written.
 */
public final class ScaleByte {

    /** The largest code: 1.875 × 2^15 = 61440. */
    public static final int MAX_CODE = 0xf7;
    /** The largest scale. */
    public static final float MAX = 61440f;

    private ScaleByte() {
    }

    /**
     * The scale a code stands for; {@code code} is in [0, {@link #MAX_CODE}]. Arithmetic rather than a table (the
     * kernels decode one per channel in their inner loops): the code's bits in a float's exponent and mantissa
     * read as 2^-112 times its value, as in {@link #toFloats}.
     */
    public static float decode(byte code) {
        return Float.intBitsToFloat((code & 0xff) << 20) * 0x1p112f;
    }

    /** The smallest code whose scale is {@code >= value}, saturated at {@link #MAX_CODE}; {@code value >= 0}. */
    public static byte ceil(float value) {
        assert value >= 0f : value;
        int half = Half.ceilNonNegative(value);
        // Rounding the 7 dropped mantissa bits up; a carry moves into the exponent as it should.
        return (byte) Math.min((half + 0x7f) >>> 7, MAX_CODE);
    }

    /**
     * Lanes {@code part*L ..} of a chunk of codes as floats: the code moved into a float's exponent and mantissa
     * reads as 2^-112 times its value (as {@link Half#toFloats} does), so one multiply finishes it.
     */
    public static FloatVector toFloats(ByteVector codes, int part) {
        return decode((IntVector) codes.convertShape(VectorOperators.ZERO_EXTEND_B2I, Lanes.I, part));
    }

    private static FloatVector decode(IntVector codes) {
        return codes.lanewise(VectorOperators.LSHL, 20).reinterpretAsFloats().mul(0x1p112f);
    }
}
