package io.kvasir.plugins.codec.internal;

import static io.kvasir.plugins.codec.internal.Lanes.B;
import static io.kvasir.plugins.codec.internal.Lanes.E;
import static io.kvasir.plugins.codec.internal.Lanes.F;
import static io.kvasir.plugins.codec.internal.Lanes.L;
import static io.kvasir.plugins.codec.internal.Lanes.LE;
import static io.kvasir.plugins.codec.internal.Lanes.PARTS;
import static io.kvasir.plugins.codec.internal.Lanes.S;
import static io.kvasir.plugins.codec.internal.Lanes.SHORT;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import io.kvasir.api.plugin.KvBlockLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * KIVI (Liu et al., 2024): 4-bit keys quantised per channel over the block's tokens, 4-bit values per token.
 *
 * <p>Keys have outlier channels, so each channel gets its own scale and minimum over the block; that needs the
 * whole block, so until its last slot is written the keys wait in f16 (KIVI's full-precision residual; the f16
 * codec's precision) in the block's {@linkplain KvBlockLayout staging}, outside the block, held only by partly
 * filled blocks (one per sequence). Writing the last slot quantises every channel into the region. Values are
 * quantised at once, asymmetrically per token and value group (the whole vector by default), with a one-byte scale
 * and zero point ({@link Int4ZeroPoint}): at head size 8 an f16 scale and minimum per token would cost as much as
 * the codes.
 *
 * <p>Region, {@code P = ceil(headDim / 2)} channel pairs, nothing but codes and their parameters:
 * <ul>
 *   <li>K codes: pair {@code p} at {@code p × blockSize}: byte {@code t} holds token {@code t}'s code of channel
 *       {@code 2p} (low nibble) and {@code 2p+1} (high nibble). Codes per channel lie along the tokens, so
 *       {@link #keyScores} computes a vector of tokens' scores at once.</li>
 *   <li>K params: every channel's f16 scale, then every channel's f16 minimum ({@link Int4Params}); the minimums lie
 *       together so that {@link #keyScores} sums {@code q·min} a vector of channels at a time.</li>
 *   <li>V codes, slot-major rows; channels packed by groups of 32: byte {@code j} of group {@code g} holds
 *       channel {@code 32g + j} (low nibble) and {@code 32g + half + j} (high), {@code half = ceil(width/2)}.</li>
 *   <li>V params: per slot and value group, a scale byte and a signed zero point.</li>
 * </ul>
 * At head size 8 and blocks of 16 that is 192 bytes, 12 per token (5.3× less than f32); at head size 64, 82 (6.2×).
 *
 * <p>Staging: channel {@code c}'s staged keys are {@code blockSize} halves at {@code 2 × c × blockSize} (the last
 * slot is never staged; it keeps each channel's vector loads inside the area), saturated to ±65504 as the
 * {@code f16} codec's. Half precision rather than f32 halves the staging, which at head size 8 is worth 43 tokens'
 * blocks per sequence in f32: the per-sequence figure would fall below 5× on 400-token stories. Blocks of one slot
 * need none.
 *
 * <p>Invariants: a block is open (staging given) exactly while slots {@code 0..n-1}, {@code n < blockSize}, are
 * written, and then its keys are in the staging only, as halves; sealed, all {@code blockSize} keys are in the region; every
 * code is in [0, 15].
 */
public final class Int4KiviLayout implements KvBlockLayout {

    private static final int PACK_GROUP = 32;

    private final int blockSize;
    private final int headDim;
    private final int valueGroupSize;
    private final int numPairs;
    private final long kScales;
    private final long kMins;
    private final long vBase;
    private final long vRowBytes;
    private final int numValueGroups;
    private final long vParams;
    private final long totalBytes;
    private final long stagingChannelBytes;

    /**
     * @param valueGroupSize channels sharing a value scale: 0 for the whole vector, else a multiple of 32
     */
    public Int4KiviLayout(int blockSize, int headDim, int valueGroupSize) {
        Shapes.check(blockSize, headDim);
        if (valueGroupSize < 0 || valueGroupSize % PACK_GROUP != 0) {
            throw new IllegalArgumentException("valueGroupSize must be 0 or a multiple of 32, got " + valueGroupSize);
        }
        this.blockSize = blockSize;
        this.headDim = headDim;
        this.valueGroupSize = valueGroupSize == 0 || valueGroupSize > headDim ? headDim : valueGroupSize;
        this.numPairs = (headDim + 1) / 2;
        this.kScales = (long) numPairs * blockSize;
        this.kMins = kScales + 2L * headDim;
        this.vBase = kMins + 2L * headDim;
        int fullGroups = headDim / PACK_GROUP;
        this.vRowBytes = fullGroups * (PACK_GROUP / 2L) + (headDim % PACK_GROUP + 1) / 2;
        this.numValueGroups = (headDim + this.valueGroupSize - 1) / this.valueGroupSize;
        this.vParams = vBase + blockSize * vRowBytes;
        this.totalBytes = vParams + 2L * blockSize * numValueGroups;
        this.stagingChannelBytes = 2L * blockSize;
    }

    @Override
    public long bytesPerHeadBlock() {
        return totalBytes;
    }

    @Override
    public long stagingBytesPerHeadBlock() {
        return blockSize > 1 ? headDim * stagingChannelBytes : 0;
    }

    @Override
    public void write(MemorySegment region, MemorySegment staging, int slot, float[] k, int kOffset, float[] v,
            int vOffset) {
        assert slot >= 0 && slot < blockSize : slot;
        assert Shapes.allFinite(k, kOffset, headDim) && Shapes.allFinite(v, vOffset, headDim) : "non-finite K or V";
        if (blockSize > 1) {
            requireStaging(staging, slot);
        }
        writeValues(region, slot, v, vOffset);
        if (slot == blockSize - 1) {
            quantizeKeys(region, staging, k, kOffset);
        } else {
            for (int c = 0; c < headDim; c++) {
                staging.set(SHORT, staged(c, slot), Half.saturate(k[kOffset + c]));
            }
        }
    }

    private void requireStaging(MemorySegment staging, int slot) {
        if (staging.byteSize() < stagingBytesPerHeadBlock()) {
            throw new IllegalStateException("int4-kivi keeps a block's keys in its staging until the block fills: slot "
                    + slot + " of " + blockSize + " needs " + stagingBytesPerHeadBlock() + " bytes of staging, got "
                    + staging.byteSize());
        }
    }

    private long staged(int channel, int slot) {
        return channel * stagingChannelBytes + 2L * slot;
    }

    /** Quantises every channel over the staged keys plus the last slot's {@code k} into the region. */
    private void quantizeKeys(MemorySegment region, MemorySegment staging, float[] k, int kOffset) {
        int last = blockSize - 1;
        for (int c = 0; c < headDim; c++) {
            float x = k[kOffset + c];
            float min = x;
            float max = x;
            for (int t = 0; t < last; t++) {
                float y = stagedKey(staging, c, t);
                min = Math.min(min, y);
                max = Math.max(max, y);
            }
            int params = Int4Params.of(min, max);
            short scaleBits = Int4Params.scaleBits(params);
            short minBits = Int4Params.minBits(params);
            region.set(SHORT, kScales + 2L * c, scaleBits);
            region.set(SHORT, kMins + 2L * c, minBits);
            float scale = Float.float16ToFloat(scaleBits);
            float base = Float.float16ToFloat(minBits);
            long codes = (c >>> 1) * (long) blockSize;
            int shift = (c & 1) * 4;
            for (int t = 0; t < blockSize; t++) {
                float y = t == last ? x : stagedKey(staging, c, t);
                int code = Int4Params.code(y, scale, base);
                byte old = (c & 1) == 0 ? 0 : region.get(ValueLayout.JAVA_BYTE, codes + t);
                region.set(ValueLayout.JAVA_BYTE, codes + t, (byte) (old | code << shift));
            }
        }
    }

    private float stagedKey(MemorySegment staging, int channel, int slot) {
        return Float.float16ToFloat(staging.get(SHORT, staged(channel, slot)));
    }

    private long valueParams(int slot, int group) {
        return vParams + 2L * (slot * numValueGroups + group);
    }

    private void writeValues(MemorySegment region, int slot, float[] v, int vOffset) {
        for (int g = 0; g < numValueGroups; g++) {
            int from = g * valueGroupSize;
            int to = Math.min(headDim, from + valueGroupSize);
            float min = Float.POSITIVE_INFINITY;
            float max = Float.NEGATIVE_INFINITY;
            for (int c = from; c < to; c++) {
                min = Math.min(min, v[vOffset + c]);
                max = Math.max(max, v[vOffset + c]);
            }
            int params = Int4ZeroPoint.of(min, max);
            region.set(ValueLayout.JAVA_BYTE, valueParams(slot, g), Int4ZeroPoint.scaleCode(params));
            region.set(ValueLayout.JAVA_BYTE, valueParams(slot, g) + 1, Int4ZeroPoint.zero(params));
        }
        long row = vBase + slot * vRowBytes;
        for (int g0 = 0; g0 < headDim; g0 += PACK_GROUP) {
            int width = Math.min(PACK_GROUP, headDim - g0);
            int half = (width + 1) / 2;
            long params = valueParams(slot, g0 / valueGroupSize);
            float scale = ScaleByte.decode(region.get(ValueLayout.JAVA_BYTE, params));
            int zero = region.get(ValueLayout.JAVA_BYTE, params + 1);
            for (int j = 0; j < half; j++) {
                int lo = Int4ZeroPoint.code(v[vOffset + g0 + j], scale, zero);
                int hi = j + half < width ? Int4ZeroPoint.code(v[vOffset + g0 + half + j], scale, zero) : 0;
                region.set(ValueLayout.JAVA_BYTE, row + g0 / 2 + j, (byte) (lo | hi << 4));
            }
        }
    }

    @Override
    public void read(MemorySegment region, MemorySegment staging, int slot, float[] k, int kOffset, float[] v,
            int vOffset) {
        assert slot >= 0 && slot < blockSize : slot;
        if (staging.byteSize() > 0) {
            assert slot < blockSize - 1 : "slot " + slot + " of an open block";
            for (int c = 0; c < headDim; c++) {
                k[kOffset + c] = stagedKey(staging, c, slot);
            }
        } else {
            for (int c = 0; c < headDim; c++) {
                int code = region.get(ValueLayout.JAVA_BYTE, (c >>> 1) * (long) blockSize + slot) >>> ((c & 1) * 4) & 0xf;
                k[kOffset + c] = keyMin(region, c) + keyScale(region, c) * code;
            }
        }
        long row = vBase + slot * vRowBytes;
        for (int c = 0; c < headDim; c++) {
            int g0 = c & -PACK_GROUP;
            int width = Math.min(PACK_GROUP, headDim - g0);
            int half = (width + 1) / 2;
            int j = c - g0;
            int code = j < half
                    ? region.get(ValueLayout.JAVA_BYTE, row + g0 / 2 + j) & 0xf
                    : region.get(ValueLayout.JAVA_BYTE, row + g0 / 2 + j - half) >>> 4 & 0xf;
            long params = valueParams(slot, c / valueGroupSize);
            v[vOffset + c] = Int4ZeroPoint.decode(code, ScaleByte.decode(region.get(ValueLayout.JAVA_BYTE, params)),
                    region.get(ValueLayout.JAVA_BYTE, params + 1));
        }
    }

    private float keyScale(MemorySegment region, int channel) {
        return Float.float16ToFloat(region.get(SHORT, kScales + 2L * channel));
    }

    private float keyMin(MemorySegment region, int channel) {
        return Float.float16ToFloat(region.get(SHORT, kMins + 2L * channel));
    }

    /**
     * {@code Σ_c q[c]·min[c]}, the part of every token's score that its codes do not change, a vector of channels at a
     * time: per channel in scalar code (an f16 to load and convert) it cost about as much as a block's codes.
     */
    private float scoreOffset(MemorySegment region, float[] q, int qOffset) {
        FloatVector sum = FloatVector.zero(F);
        int c = 0;
        for (; c + L <= headDim; c += L) {
            FloatVector mins = Half.toFloats(ShortVector.fromMemorySegment(S, region, kMins + 2L * c, LE));
            sum = mins.fma(FloatVector.fromArray(F, q, qOffset + c), sum);
        }
        float offset = sum.reduceLanes(VectorOperators.ADD);
        for (; c < headDim; c++) {
            offset += q[qOffset + c] * keyMin(region, c);
        }
        return offset;
    }

    /** Lanes {@code part*L ..} of a byte chunk, zero-extended: the high nibble is then a plain shift away. */
    private static IntVector unsignedBytes(ByteVector bytes, int part) {
        return (IntVector) bytes.convertShape(VectorOperators.ZERO_EXTEND_B2I, Lanes.I, part);
    }

    private static FloatVector low(IntVector bytes) {
        return (FloatVector) bytes.and(0xf).convert(VectorOperators.I2F, 0);
    }

    /** {@code codes - zero} as floats: exact, as both are small integers. */
    private static FloatVector centred(IntVector codes, IntVector zero) {
        return (FloatVector) codes.sub(zero).convert(VectorOperators.I2F, 0);
    }

    private static FloatVector high(IntVector bytes) {
        return (FloatVector) bytes.lanewise(VectorOperators.LSHR, 4).convert(VectorOperators.I2F, 0);
    }

    @Override
    public void keyScores(MemorySegment region, MemorySegment staging, int numSlots, float[] q, int qOffset,
            float scale, float[] scores, int scoresOffset) {
        assert numSlots >= 0 && numSlots <= blockSize : numSlots;
        assert region.byteSize() >= totalBytes;
        if (numSlots == 0) {
            return;
        }
        if (staging.byteSize() > 0) {
            assert numSlots < blockSize : numSlots + " slots of an open block";
            stagedKeyScores(staging, numSlots, q, qOffset, scale, scores, scoresOffset);
        } else {
            quantizedKeyScores(region, numSlots, q, qOffset, scale, scores, scoresOffset);
        }
    }

    /**
     * {@code score[t] = scale × (Σ_c q[c]·scale[c]·code[t][c] + Σ_c q[c]·min[c])}: the second sum is the same
     * for every token, and the first runs along the tokens, one vector of tokens per channel.
     */
    private void quantizedKeyScores(MemorySegment region, int numSlots, float[] q, int qOffset, float scale,
            float[] scores, int scoresOffset) {
        int fullPairs = headDim / 2;
        boolean oddChannel = (headDim & 1) != 0;
        long lastPair = (long) fullPairs * blockSize;
        float offset = scoreOffset(region, q, qOffset);
        int t0 = 0;
        for (; t0 < numSlots && t0 + E <= blockSize; t0 += E) {
            FloatVector x0 = FloatVector.zero(F);
            FloatVector x1 = FloatVector.zero(F);
            FloatVector y0 = FloatVector.zero(F);
            FloatVector y1 = FloatVector.zero(F);
            for (int p = 0; p < fullPairs; p++) {
                FloatVector c0 = FloatVector.broadcast(F, q[qOffset + 2 * p] * keyScale(region, 2 * p));
                FloatVector c1 = FloatVector.broadcast(F, q[qOffset + 2 * p + 1] * keyScale(region, 2 * p + 1));
                ByteVector codes = ByteVector.fromMemorySegment(B, region, (long) p * blockSize + t0, LE);
                IntVector i0 = unsignedBytes(codes, 0);
                x0 = low(i0).fma(c0, x0);
                x1 = high(i0).fma(c1, x1);
                if (PARTS == 2) {
                    IntVector i1 = unsignedBytes(codes, 1);
                    y0 = low(i1).fma(c0, y0);
                    y1 = high(i1).fma(c1, y1);
                }
            }
            if (oddChannel) {
                FloatVector c0 = FloatVector.broadcast(F, q[qOffset + headDim - 1] * keyScale(region, headDim - 1));
                ByteVector codes = ByteVector.fromMemorySegment(B, region, lastPair + t0, LE);
                x0 = low(unsignedBytes(codes, 0)).fma(c0, x0);
                if (PARTS == 2) {
                    y0 = low(unsignedBytes(codes, 1)).fma(c0, y0);
                }
            }
            x0.add(x1).add(offset).mul(scale).intoArray(scores, scoresOffset + t0, F.indexInRange(t0, numSlots));
            if (PARTS == 2) {
                y0.add(y1).add(offset).mul(scale)
                        .intoArray(scores, scoresOffset + t0 + L, F.indexInRange(t0 + L, numSlots));
            }
        }
        for (int t = t0; t < numSlots; t++) {
            float s = offset;
            for (int c = 0; c < headDim; c++) {
                int code = region.get(ValueLayout.JAVA_BYTE, (c >>> 1) * (long) blockSize + t) >>> ((c & 1) * 4) & 0xf;
                s += q[qOffset + c] * keyScale(region, c) * code;
            }
            scores[scoresOffset + t] = scale * s;
        }
    }

    /** {@code score[t] = scale × Σ_c q[c]·K[c][t]} on the staged f16 keys, one vector of tokens per channel. */
    private void stagedKeyScores(MemorySegment staging, int numSlots, float[] q, int qOffset, float scale,
            float[] scores, int scoresOffset) {
        int bound4 = headDim & ~3;
        for (int t0 = 0; t0 < numSlots; t0 += L) {
            VectorMask<Short> slots = S.indexInRange(t0, numSlots);
            FloatVector x0 = FloatVector.zero(F);
            FloatVector x1 = FloatVector.zero(F);
            FloatVector x2 = FloatVector.zero(F);
            FloatVector x3 = FloatVector.zero(F);
            int c = 0;
            for (; c < bound4; c += 4) {
                long at = staged(c, t0);
                x0 = stagedKeys(staging, at, slots).fma(FloatVector.broadcast(F, q[qOffset + c]), x0);
                x1 = stagedKeys(staging, at + stagingChannelBytes, slots).fma(FloatVector.broadcast(F, q[qOffset + c + 1]), x1);
                x2 = stagedKeys(staging, at + 2 * stagingChannelBytes, slots)
                        .fma(FloatVector.broadcast(F, q[qOffset + c + 2]), x2);
                x3 = stagedKeys(staging, at + 3 * stagingChannelBytes, slots)
                        .fma(FloatVector.broadcast(F, q[qOffset + c + 3]), x3);
            }
            for (; c < headDim; c++) {
                x0 = stagedKeys(staging, staged(c, t0), slots).fma(FloatVector.broadcast(F, q[qOffset + c]), x0);
            }
            x0.add(x1).add(x2.add(x3)).mul(scale).intoArray(scores, scoresOffset + t0, F.indexInRange(t0, numSlots));
        }
    }

    /** One channel's staged keys of {@code L} tokens as floats (masked lanes read as zero). */
    private static FloatVector stagedKeys(MemorySegment staging, long offset, VectorMask<Short> slots) {
        return Half.toFloats(ShortVector.fromMemorySegment(S, staging, offset, LE, slots));
    }

    /**
     * {@code out[c] += Σ_t w[t]·scale[t]·(code[t][c] - zero[t])}, per group of 32 channels: the low nibbles of a chunk
     * of bytes are channels {@code j..}, the high nibbles channels {@code half + j..}. Subtracting the zero point
     * from the codes as integers keeps each term as small as the value it stands for (a separate bias term would
     * cancel against the codes' sum and lose precision on values near zero).
     */
    @Override
    public void accumulateValues(MemorySegment region, int numSlots, float[] weights, int weightsOffset, float[] out,
            int outOffset) {
        assert numSlots >= 0 && numSlots <= blockSize : numSlots;
        assert region.byteSize() >= totalBytes;
        for (int g0 = 0; g0 < headDim; g0 += PACK_GROUP) {
            int width = Math.min(PACK_GROUP, headDim - g0);
            int half = (width + 1) / 2;
            int valueGroup = g0 / valueGroupSize;
            long groupCodes = vBase + g0 / 2;
            int j = 0;
            if ((width & 1) == 0) {
                for (; j + E <= half; j += E) {
                    FloatVector x0 = FloatVector.zero(F);
                    FloatVector x1 = FloatVector.zero(F);
                    FloatVector y0 = FloatVector.zero(F);
                    FloatVector y1 = FloatVector.zero(F);
                    for (int t = 0; t < numSlots; t++) {
                        long params = valueParams(t, valueGroup);
                        FloatVector w = FloatVector.broadcast(F,
                                weights[weightsOffset + t] * ScaleByte.decode(region.get(ValueLayout.JAVA_BYTE, params)));
                        IntVector zero = IntVector.broadcast(Lanes.I, region.get(ValueLayout.JAVA_BYTE, params + 1));
                        ByteVector codes = ByteVector.fromMemorySegment(B, region, groupCodes + t * vRowBytes + j, LE);
                        IntVector i0 = unsignedBytes(codes, 0);
                        x0 = centred(i0.and(0xf), zero).fma(w, x0);
                        x1 = centred(i0.lanewise(VectorOperators.LSHR, 4), zero).fma(w, x1);
                        if (PARTS == 2) {
                            IntVector i1 = unsignedBytes(codes, 1);
                            y0 = centred(i1.and(0xf), zero).fma(w, y0);
                            y1 = centred(i1.lanewise(VectorOperators.LSHR, 4), zero).fma(w, y1);
                        }
                    }
                    int lo = outOffset + g0 + j;
                    int hi = lo + half;
                    x0.add(FloatVector.fromArray(F, out, lo)).intoArray(out, lo);
                    x1.add(FloatVector.fromArray(F, out, hi)).intoArray(out, hi);
                    if (PARTS == 2) {
                        y0.add(FloatVector.fromArray(F, out, lo + L)).intoArray(out, lo + L);
                        y1.add(FloatVector.fromArray(F, out, hi + L)).intoArray(out, hi + L);
                    }
                }
            }
            for (; j < half; j++) {
                boolean hasHigh = j + half < width;
                float lo = 0f;
                float hi = 0f;
                for (int t = 0; t < numSlots; t++) {
                    long params = valueParams(t, valueGroup);
                    float ws = weights[weightsOffset + t] * ScaleByte.decode(region.get(ValueLayout.JAVA_BYTE, params));
                    int zero = region.get(ValueLayout.JAVA_BYTE, params + 1);
                    int codes = region.get(ValueLayout.JAVA_BYTE, groupCodes + t * vRowBytes + j);
                    lo += ws * ((codes & 0xf) - zero);
                    hi += ws * ((codes >>> 4 & 0xf) - zero);
                }
                out[outOffset + g0 + j] += lo;
                if (hasHigh) {
                    out[outOffset + g0 + half + j] += hi;
                }
            }
        }
    }
}
