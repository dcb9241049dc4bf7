package io.kvasir.plugins.codec.internal;

import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector species every codec kernel uses, fixed once per JVM, and the conversions between them.
 *
 * <p>Kernels step through bytes in chunks of {@link #E} lanes and turn each chunk into {@link #PARTS} float
 * vectors of {@link #L} lanes: a byte vector can be no narrower than 64 bits, so on 128-bit machines (4 float
 * lanes) one byte chunk feeds two float vectors.
 *
 * <p>Invariants: {@code E == PARTS * L}; {@code PARTS} is 1 or 2; {@link #S} and {@link #I} have {@code L} lanes.
 */
public final class Lanes {

    /** Float lanes: the machine's preferred width, at least 128 bits. */
    public static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED.length() >= 4
            ? FloatVector.SPECIES_PREFERRED : FloatVector.SPECIES_128;
    public static final int L = F.length();
    public static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED.length() == L
            ? IntVector.SPECIES_PREFERRED : IntVector.SPECIES_128;
    public static final VectorSpecies<Short> S = VectorSpecies.of(short.class, VectorShape.forBitSize(L * Short.SIZE));
    public static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, L * Byte.SIZE)));
    /** Bytes per byte chunk. */
    public static final int E = B.length();
    /** Float vectors per byte chunk. */
    public static final int PARTS = E / L;

    public static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    public static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(LE);
    public static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE);
    public static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(LE);

    static {
        if (I.length() != L || PARTS < 1 || PARTS > 2 || E != PARTS * L) {
            throw new ExceptionInInitializerError("unsupported vector shape: " + L + " float lanes");
        }
    }

    private Lanes() {
    }

    /** Lanes {@code part*L .. part*L+L-1} of a byte chunk as floats (signed bytes). */
    public static FloatVector signedBytes(ByteVector bytes, int part) {
        return (FloatVector) bytes.convertShape(VectorOperators.B2F, F, part);
    }

    /** Lanes {@code part*L ..} of a byte chunk widened to ints (sign-extended). */
    public static IntVector widen(ByteVector bytes, int part) {
        return (IntVector) bytes.convertShape(VectorOperators.B2I, I, part);
    }
}
