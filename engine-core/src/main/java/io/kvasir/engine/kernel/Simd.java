package io.kvasir.engine.kernel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector shapes every kernel uses, and scalar helpers.
 *
 * <p>{@link #LANES} is 16 on AVX-512 and 8 on AVX2 (or anything narrower, where 256-bit vectors are
 * emulated). Quantised kernels walk 32-element blocks in steps of {@code LANES}, so both divide 32.
 *
 * <p>There are deliberately no helpers returning vectors: C2 stops inlining ordinary methods once a
 * kernel's graph passes {@code NodeCountInliningCutoff}, and a vector returned by a call that was not
 * inlined is boxed on the heap, which made the K-quant kernels ten times slower. The Vector API's own
 * methods are force-inlined, so kernels call them directly; scalar helpers are harmless.
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

    /** {@code ZIP_LOW.selectFrom(a, b)} interleaves the low halves of int vectors a and b: a0 b0 a1 b1 ... */
    static final IntVector ZIP_LOW = zipIndexes(0);
    /** {@code ZIP_HIGH.selectFrom(a, b)} interleaves the high halves of int vectors a and b. */
    static final IntVector ZIP_HIGH = zipIndexes(1);

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

    private static IntVector zipIndexes(int half) {
        int[] indexes = new int[LANES];
        for (int i = 0; i < LANES; i++) {
            indexes[i] = half * LANES / 2 + i / 2 + (i % 2 == 0 ? 0 : LANES);
        }
        return IntVector.fromArray(INTS, indexes, 0);
    }

    /** The f16 at {@code offset} as a float. */
    static float f16(MemorySegment segment, long offset) {
        return Float.float16ToFloat(segment.get(SHORT_LE, offset));
    }

    /** One bfloat16 as a float. */
    static float bfloat16(short bits) {
        return Float.intBitsToFloat((bits & 0xffff) << 16);
    }
}
