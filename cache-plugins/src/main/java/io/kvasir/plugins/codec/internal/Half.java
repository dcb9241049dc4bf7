package io.kvasir.plugins.codec.internal;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * IEEE 754 binary16 helpers. Java 25's Vector API has no float16 conversion (no {@code HF_TO_F} operator;
 * {@code S2F} converts integers), so {@link #toFloats} rebuilds the float bits with integer lane operations:
 * exact for every finite half, including subnormals, without ever forming a subnormal float (x86 slows down
 * on those when flush-to-zero is off, as it is in Java).
 */
public final class Half {

    /** The largest finite half. */
    public static final float MAX = 65504f;

    private static final short MAX_BITS = 0x7bff;
    private static final int EXPONENT_REBIAS = (127 - 15) << 23;
    private static final float SMALLEST_NORMAL = 0x1p-14f;

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

    /** The half at lane bits of {@code halves} as floats; lanes holding infinity or NaN decode to garbage. */
    public static FloatVector toFloats(ShortVector halves) {
        IntVector bits = (IntVector) halves.convertShape(VectorOperators.S2I, Lanes.I, 0);
        IntVector magnitude = bits.and(0x7fff);
        IntVector sign = bits.and(0x8000).lanewise(VectorOperators.LSHL, 16);
        // A subnormal half m·2^-24 is read as the normal 2^-15·(1 + m/1024); 2x - 2^-14 recovers it exactly.
        FloatVector normal = magnitude.lanewise(VectorOperators.LSHL, 13).add(EXPONENT_REBIAS).reinterpretAsFloats();
        VectorMask<Float> subnormal = magnitude.compare(VectorOperators.LT, 0x400).cast(Lanes.F);
        FloatVector value = normal.blend(normal.fma(2f, -SMALLEST_NORMAL), subnormal);
        return value.reinterpretAsInts().or(sign).reinterpretAsFloats();
    }
}
