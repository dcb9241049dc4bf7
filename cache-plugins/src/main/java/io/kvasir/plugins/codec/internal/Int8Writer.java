package io.kvasir.plugins.codec.internal;

import static io.kvasir.plugins.codec.internal.Int8Layout.KEY_LEVELS;
import static io.kvasir.plugins.codec.internal.Int8Layout.KEY_OFFSET;
import static io.kvasir.plugins.codec.internal.Int8Layout.VALUE_MAX;
import static io.kvasir.plugins.codec.internal.Lanes.B;
import static io.kvasir.plugins.codec.internal.Lanes.E;
import static io.kvasir.plugins.codec.internal.Lanes.F;
import static io.kvasir.plugins.codec.internal.Lanes.L;
import static io.kvasir.plugins.codec.internal.Lanes.LE;
import static io.kvasir.plugins.codec.internal.Lanes.PARTS;
import static io.kvasir.plugins.codec.internal.Lanes.S;
import static io.kvasir.plugins.codec.internal.Lanes.SHORT;
import static io.kvasir.plugins.codec.internal.Lanes.signedBytes;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

/**
 * {@link Int8Layout#write}: quantises one token's K and V vectors into a region, widening a channel's covered range,
 * and re-quantising that channel's earlier codes, where the token falls outside it.
 *
 * <p>Channels go a float vector at a time where a byte chunk is one float vector ({@code PARTS == 1}, 256 bits and
 * up); the channels left over, and all of them on 128-bit machines, one at a time. Both paths write the same
 * bytes: the vector path does the scalar path's float operations in the same order (no fused multiply-adds), and
 * {@link #roundHalfUp} is {@link Math#round(float)} on every lane it gets. Only the parameters of a channel's new
 * range (at slot 0 or on a widening: an f16 floor and a {@link ScaleByte} ceiling) are computed per channel.
 *
 * <p>A channel's key codes lie along the tokens, so the vector path stores a new token's key codes one byte per
 * channel, and re-quantises a widened key channel a chunk of tokens at a time; value codes lie along the channels,
 * so it stores a new token's value codes as one chunk, and re-quantises each earlier value row a chunk of channels
 * at a time, all lanes of the chunk: an unwidened lane's code comes back unchanged, because its scale (4
 * significant bits) times a code (7 bits) is exact, and so is dividing it by the same scale.
 */
final class Int8Writer {

    /** Adding and subtracting it rounds a float of magnitude below 2^22 to an integer, ties to even. */
    private static final float ROUNDER = 0x1.8p23f;
    /** The smallest non-zero {@link ScaleByte}. */
    private static final float MIN_SCALE = 0x1p-17f;

    /** The region's shape and offsets. */
    private final Int8Layout layout;
    /** Channels {@code [0, vectorChannels)} take the vector path. */
    private final int vectorChannels;

    Int8Writer(Int8Layout layout, boolean vectors) {
        this.layout = layout;
        this.vectorChannels = vectors && PARTS == 1 ? layout.headDim - layout.headDim % L : 0;
    }

    void write(MemorySegment region, int slot, float[] k, int kOffset, float[] v, int vOffset) {
        if (slot == 0) {
            for (int c = 0; c < vectorChannels; c++) {
                startKey(region, c, k[kOffset + c]);
                setScale(region, layout.vScales + c, Math.abs(v[vOffset + c]) / VALUE_MAX);
            }
        }
        int d = 0;
        for (; d < vectorChannels; d += L) {
            writeKeys(region, slot, d, k, kOffset + d);
            writeValues(region, slot, d, v, vOffset + d);
        }
        for (; d < layout.headDim; d++) {
            writeKey(region, slot, d, k, kOffset + d);
            writeValue(region, slot, d, v[vOffset + d]);
        }
    }

    // ---- keys: K ≈ min[d] + scale[d] × code, code in [0, 255], stored as code - 128 at d·B + t

    /** Channel {@code d} of a key, {@code k[at]}. */
    private void writeKey(MemorySegment region, int slot, int d, float[] k, int at) {
        float x = k[at];
        if (slot == 0) {
            startKey(region, d, x);
        } else {
            float min = keyMin(region, d);
            if (x < min || x > min + KEY_LEVELS * keyScale(region, d)) {
                widenKeys(region, slot, d, k, at, 1L);
            }
        }
        region.set(ValueLayout.JAVA_BYTE, (long) d * layout.blockSize + slot,
                (byte) (keyCode(x, keyMin(region, d), keyScale(region, d)) - KEY_OFFSET));
    }

    /**
     * Channels {@code d .. d+L-1} of a key, {@code k[at ..]}; at slot 0 their ranges are already fresh. A lane
     * outside its range goes through {@link #widenKey}, scalar code, and the parameters are loaded again from the
     * same call site: C2 inlines the Vector API only up to a node budget per compilation (every vector operation
     * costs hundreds of nodes), and an operation left out of line returns a boxed vector, which allocates.
     */
    private void writeKeys(MemorySegment region, int slot, int d, float[] k, int at) {
        FloatVector x = FloatVector.fromArray(F, k, at);
        FloatVector min;
        FloatVector scale;
        for (boolean check = slot > 0; ; check = false) {
            min = keyMins(region, d);
            scale = keyScales(region, d);
            long m = check ? x.lt(min).or(x.compare(VectorOperators.GT, scale.mul(KEY_LEVELS).add(min))).toLong() : 0;
            if (m == 0) {
                break;
            }
            widenKeys(region, slot, d, k, at, m);
        }
        // Four codes per int lane (a one-lane long vector is not a vector to C2, and would allocate).
        IntVector codes = keyCodes(x, min, scale).reinterpretAsInts();
        long to = (long) d * layout.blockSize + slot;
        for (int j = 0; j < E / Integer.BYTES; j++) {
            int four = codes.lane(j);
            for (int i = 0; i < Integer.BYTES; i++, to += layout.blockSize) {
                region.set(ValueLayout.JAVA_BYTE, to, (byte) (four >>> (Byte.SIZE * i)));
            }
        }
    }

    /** A fresh range at slot 0: the f16 floor of the key, and the scale that reaches it (0 unless it was floored). */
    private void startKey(MemorySegment region, int d, float x) {
        short minBits = Half.floorSaturated(x);
        // Below -65504 the minimum saturates and the key clips to it.
        setScale(region, layout.kScales + d, Math.max(0f, x - Float.float16ToFloat(minBits)) / KEY_LEVELS);
        region.set(SHORT, layout.kMins + 2L * d, minBits);
    }

    /**
     * Widens the range of each channel {@code d + i} with bit {@code i} set in {@code lanes} to include
     * {@code k[at + i]}, which lies outside it, and re-quantises the channel's slots before {@code slot} to the new
     * grid, a chunk of tokens at a time. Kept apart from {@link #writeKeys}: its bytecode is over C2's
     * {@code FreqInlineSize} (325 bytes), so C2 compiles it on its own instead of inlining it into
     * {@link #writeKeys}, whose node budget it would exceed.
     */
    private void widenKeys(MemorySegment region, int slot, int d, float[] k, int at, long lanes) {
        for (long m = lanes; m != 0; m &= m - 1) {
            int i = Long.numberOfTrailingZeros(m);
            int c = d + i;
            float x = k[at + i];
            float min = keyMin(region, c);
            float scale = keyScale(region, c);
            float max = min + KEY_LEVELS * scale;
            short newMinBits = x < min ? Half.floorSaturated(x) : Half.floorSaturated(min);
            float newMin = Float.float16ToFloat(newMinBits);
            float newScale = setScale(region, layout.kScales + c, (Math.max(max, x) - newMin) / KEY_LEVELS);
            region.set(SHORT, layout.kMins + 2L * c, newMinBits);
            long row = (long) c * layout.blockSize;
            int t = 0;
            for (; PARTS == 1 && t < slot && t + E <= layout.blockSize; t += E) {
                ByteVector old = ByteVector.fromMemorySegment(B, region, row + t, LE);
                FloatVector value = signedBytes(old, 0).add(KEY_OFFSET).mul(scale).add(min);
                ByteVector codes = keyCodes(value, FloatVector.broadcast(F, newMin), FloatVector.broadcast(F, newScale));
                old.blend(codes, B.indexInRange(t, slot)).intoMemorySegment(region, row + t, LE);
            }
            for (; t < slot; t++) {
                float value = min + scale * (region.get(ValueLayout.JAVA_BYTE, row + t) + KEY_OFFSET);
                region.set(ValueLayout.JAVA_BYTE, row + t, (byte) (keyCode(value, newMin, newScale) - KEY_OFFSET));
            }
        }
    }

    private static int keyCode(float x, float min, float scale) {
        return scale == 0f ? 0 : Math.clamp(Math.round((x - min) / scale), 0, KEY_LEVELS);
    }

    /**
     * {@link #keyCode} {@code - 128} of each lane, as the bytes stored, for a key inside its range or clipped to it.
     * A zero scale is replaced by {@link #MIN_SCALE}, which gives the same code 0: a scale is 0 only where the range's
     * width over 255 underflowed to 0, so {@code x - min} is below 2^-140 there, and far below half of 2^-17.
     */
    private static ByteVector keyCodes(FloatVector x, FloatVector min, FloatVector scale) {
        FloatVector y = x.sub(min).div(scale.max(MIN_SCALE)).max(0f).min(KEY_LEVELS);
        return toBytes(roundHalfUp(y).sub(KEY_OFFSET));
    }

    // ---- values: V ≈ scale[d] × code, code in [-127, 127] at vBase + t·D + d

    private void writeValue(MemorySegment region, int slot, int d, float x) {
        if (slot == 0) {
            setScale(region, layout.vScales + d, Math.abs(x) / VALUE_MAX);
        } else {
            float scale = valueScale(region, d);
            if (Math.abs(x) > VALUE_MAX * scale) {
                float newScale = setScale(region, layout.vScales + d, Math.abs(x) / VALUE_MAX);
                for (int t = 0; t < slot; t++) {
                    long at = layout.vBase + (long) t * layout.headDim + d;
                    float old = scale * region.get(ValueLayout.JAVA_BYTE, at);
                    region.set(ValueLayout.JAVA_BYTE, at, (byte) valueCode(old, newScale));
                }
            }
        }
        region.set(ValueLayout.JAVA_BYTE, layout.vBase + (long) slot * layout.headDim + d,
                (byte) valueCode(x, valueScale(region, d)));
    }

    /**
     * Channels {@code d .. d+L-1} of a value, {@code v[at ..]}; at slot 0 their scales are already set. Where a
     * lane widens, rows {@code 0 .. slot-1} are re-quantised in the same loop that stores the new row, through one
     * call site of {@link #valueCodes} (see {@link #writeKeys}).
     */
    private void writeValues(MemorySegment region, int slot, int d, float[] v, int at) {
        FloatVector x = FloatVector.fromArray(F, v, at);
        FloatVector old = valueScales(region, d);
        long m = slot == 0 ? 0 : x.abs().compare(VectorOperators.GT, old.mul(VALUE_MAX)).toLong();
        for (long left = m; left != 0; left &= left - 1) {
            int i = Long.numberOfTrailingZeros(left);
            setScale(region, layout.vScales + d + i, Math.abs(v[at + i]) / VALUE_MAX);
        }
        FloatVector scale = m == 0 ? old : valueScales(region, d);
        for (int t = m == 0 ? slot : 0; t <= slot; t++) {
            long row = layout.vBase + (long) t * layout.headDim + d;
            FloatVector value = t == slot ? x : signedBytes(ByteVector.fromMemorySegment(B, region, row, LE), 0).mul(old);
            valueCodes(value, scale).intoMemorySegment(region, row, LE);
        }
    }

    private static int valueCode(float x, float scale) {
        return scale == 0f ? 0 : Math.clamp(Math.round(x / scale), -VALUE_MAX, VALUE_MAX);
    }

    /** {@link #valueCode} of each lane, as bytes, for a value inside its range; a zero scale as in {@link #keyCodes}. */
    private static ByteVector valueCodes(FloatVector x, FloatVector scale) {
        return toBytes(roundHalfUp(x.div(scale.max(MIN_SCALE)).max(-VALUE_MAX).min(VALUE_MAX)));
    }

    // ---- shared

    /**
     * {@link Math#round(float)} of each lane of magnitude below 2^22, as a float: the nearest integer with ties to
     * even, moved up where it was a tie rounded down (Math.round rounds ties up).
     */
    static FloatVector roundHalfUp(FloatVector y) {
        FloatVector r = y.add(ROUNDER).sub(ROUNDER);
        return r.add(1f, y.sub(r).eq(0.5f));
    }

    /** Integer-valued lanes in [-128, 127] as a chunk of bytes. */
    private static ByteVector toBytes(FloatVector codes) {
        return (ByteVector) codes.convertShape(VectorOperators.F2B, B, 0);
    }

    /** Stores the smallest scale byte {@code >= scale} (saturated) and returns its value. */
    private static float setScale(MemorySegment region, long at, float scale) {
        byte code = ScaleByte.ceil(Math.min(scale, ScaleByte.MAX));
        region.set(ValueLayout.JAVA_BYTE, at, code);
        return ScaleByte.decode(code);
    }

    private float keyMin(MemorySegment region, int d) {
        return Float.float16ToFloat(region.get(SHORT, layout.kMins + 2L * d));
    }

    private float keyScale(MemorySegment region, int d) {
        return ScaleByte.decode(region.get(ValueLayout.JAVA_BYTE, layout.kScales + d));
    }

    private float valueScale(MemorySegment region, int d) {
        return ScaleByte.decode(region.get(ValueLayout.JAVA_BYTE, layout.vScales + d));
    }

    private FloatVector keyMins(MemorySegment region, int d) {
        return Half.toFloats(ShortVector.fromMemorySegment(S, region, layout.kMins + 2L * d, LE));
    }

    private FloatVector keyScales(MemorySegment region, int d) {
        return ScaleByte.toFloats(ByteVector.fromMemorySegment(B, region, layout.kScales + d, LE), 0);
    }

    private FloatVector valueScales(MemorySegment region, int d) {
        return ScaleByte.toFloats(ByteVector.fromMemorySegment(B, region, layout.vScales + d, LE), 0);
    }
}
