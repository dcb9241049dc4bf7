package io.kvasir.engine.kernel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector shapes every kernel uses and the loads that widen packed weights to float lanes.
 *
 * <p>{@link #LANES} is 16 on AVX-512 and 8 on AVX2 (or anything narrower, where 256-bit vectors are
 * emulated). Quantised kernels walk 32-element blocks in steps of {@code LANES}, so both divide 32.
 * The helpers are small static methods that C2 inlines, so their vector results are never boxed.
 */
final class Simd {

    static final VectorSpecies<Float> FLOATS = chooseFloatSpecies();
    static final int LANES = FLOATS.length();
    /** {@code LANES} bytes: widens to one float vector. */
    static final VectorSpecies<Byte> BYTES = VectorSpecies.of(byte.class, VectorShape.forBitSize(LANES * 8));
    /** {@code LANES} shorts: widens to one float vector. */
    static final VectorSpecies<Short> SHORTS = VectorSpecies.of(short.class, VectorShape.forBitSize(LANES * 16));
    static final VectorSpecies<Integer> INTS = VectorSpecies.of(int.class, FLOATS.vectorShape());
    /** Doubles of the float shape: a broadcast double puts the same pair of floats in every lane pair. */
    static final VectorSpecies<Double> DOUBLES = VectorSpecies.of(double.class, FLOATS.vectorShape());

    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE);
    static final ValueLayout.OfFloat FLOAT_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(LE);

    private Simd() {
    }

    private static VectorSpecies<Float> chooseFloatSpecies() {
        int bits = FloatVector.SPECIES_PREFERRED.vectorBitSize();
        if (bits >= 512) {
            return FloatVector.SPECIES_512;
        }
        return FloatVector.SPECIES_256;
    }

    /** The f16 at {@code offset} as a float. */
    static float f16(MemorySegment segment, long offset) {
        return Float.float16ToFloat(segment.get(SHORT_LE, offset));
    }

    /** {@code LANES} signed bytes at {@code offset}, widened to floats. */
    static FloatVector signedBytes(MemorySegment segment, long offset) {
        return (FloatVector) ByteVector.fromMemorySegment(BYTES, segment, offset, LE)
                .convertShape(VectorOperators.B2F, FLOATS, 0);
    }

    /** {@code LANES} unsigned bytes at {@code offset}, widened to ints. */
    static IntVector unsignedBytes(MemorySegment segment, long offset) {
        return (IntVector) ByteVector.fromMemorySegment(BYTES, segment, offset, LE)
                .convertShape(VectorOperators.ZERO_EXTEND_B2I, INTS, 0);
    }

    /** Int lanes to float lanes. */
    static FloatVector toFloats(IntVector v) {
        return (FloatVector) v.convert(VectorOperators.I2F, 0);
    }

    /**
     * {@code LANES} IEEE half-precision values at {@code offset} as floats, exactly (subnormals, infinities
     * and NaN included). The magnitude bits shifted into float position and scaled by 2^112 re-bias the
     * exponent; the all-ones exponent is restored separately.
     */
    static FloatVector halfs(MemorySegment segment, long offset) {
        IntVector h = (IntVector) ShortVector.fromMemorySegment(SHORTS, segment, offset, LE)
                .convertShape(VectorOperators.ZERO_EXTEND_S2I, INTS, 0);
        IntVector magnitude = h.and(0x7fff).lanewise(VectorOperators.LSHL, 13);
        IntVector bits = magnitude.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts();
        VectorMask<Integer> infOrNan = h.and(0x7c00).compare(VectorOperators.EQ, 0x7c00);
        bits = bits.blend(bits.or(0x7f800000), infOrNan);
        return bits.or(h.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats();
    }

    /** {@code LANES} bfloat16 values at {@code offset} as floats. */
    static FloatVector bfloat16s(MemorySegment segment, long offset) {
        IntVector h = (IntVector) ShortVector.fromMemorySegment(SHORTS, segment, offset, LE)
                .convertShape(VectorOperators.ZERO_EXTEND_S2I, INTS, 0);
        return h.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    /** One bfloat16 as a float. */
    static float bfloat16(short bits) {
        return Float.intBitsToFloat((bits & 0xffff) << 16);
    }
}
