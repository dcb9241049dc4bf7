package io.kvasir.plugins.codec.internal;

import static io.kvasir.plugins.codec.internal.Lanes.B;
import static io.kvasir.plugins.codec.internal.Lanes.E;
import static io.kvasir.plugins.codec.internal.Lanes.F;
import static io.kvasir.plugins.codec.internal.Lanes.FLOAT;
import static io.kvasir.plugins.codec.internal.Lanes.INT;
import static io.kvasir.plugins.codec.internal.Lanes.L;
import static io.kvasir.plugins.codec.internal.Lanes.LE;
import static io.kvasir.plugins.codec.internal.Lanes.PARTS;
import static io.kvasir.plugins.codec.internal.Lanes.SHORT;
import static io.kvasir.plugins.codec.internal.Lanes.signedBytes;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import io.kvasir.api.plugin.KvBlockLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * KIVI (Liu et al., 2024): 4-bit keys quantised per channel over the block's tokens, 4-bit values per token.
 *
 * <p>Keys have outlier channels, so each channel gets its own scale and minimum over the block; that needs the
 * whole block, so until its last slot is written the keys wait in a staging format: int8 with one f32 scale per
 * token (full-precision staging cannot fit: f16 alone would take 2 bytes per element, more than this codec's
 * budget for K and V together). Writing the last slot quantises every channel in place. Values are quantised
 * at once, asymmetrically per token and value group (the whole vector by default).
 *
 * <p>Region, {@code P = ceil(headDim / 2)} channel pairs:
 * <ul>
 *   <li>K area, quantised: per pair {@code p} at {@code p × (blockSize + 12)}: {@code blockSize} bytes, byte
 *       {@code t} holding token {@code t}'s code of channel {@code 2p} (low nibble) and {@code 2p+1} (high
 *       nibble), then the f32 scales of channels {@code 2p} and {@code 2p+1} and their f16 minimums. Codes per
 *       channel lie along the tokens, so {@link #keyScores} computes a vector of tokens' scores at once.</li>
 *   <li>K area, staging: channel {@code d}, token {@code t} at {@code stagingBase + d × (blockSize-1) + t}
 *       (int8), then one f32 scale per token. The layouts overlap: quantising pair {@code p} writes only
 *       bytes whose staged values were already read ({@code stagingBase} is chosen so).</li>
 *   <li>The state: {@link #STAGING} or {@link #QUANTIZED} (written with slot 0 and with the last slot).</li>
 *   <li>V codes, slot-major rows; channels packed by groups of 32: byte {@code j} of group {@code g} holds
 *       channel {@code 32g + j} (low nibble) and {@code 32g + half + j} (high), {@code half = ceil(width/2)}.</li>
 *   <li>V params: per slot and value group, f16 scale and min.</li>
 * </ul>
 *
 * <p>Invariants: while the state is STAGING, slots {@code 0..blockSize-2} may be staged and none quantised;
 * QUANTIZED means all {@code blockSize} slots' keys are quantised; every code is in [0, 15].
 */
public final class Int4KiviLayout implements KvBlockLayout {

    static final int STAGING = 0x53544147;
    static final int QUANTIZED = 0x51554e54;
    private static final int PACK_GROUP = 32;
    /** Per pair: f32 scales of both channels, then their f16 minimums. */
    private static final int PAIR_PARAM_BYTES = 12;

    private final int blockSize;
    private final int headDim;
    private final int valueGroupSize;
    private final int numPairs;
    private final long pairBytes;
    private final long stagingBase;
    private final long stagingStride;
    private final long tokenScales;
    private final long stateAt;
    private final long vBase;
    private final long vRowBytes;
    private final int numValueGroups;
    private final long vParams;
    private final long totalBytes;

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
        this.pairBytes = blockSize + PAIR_PARAM_BYTES;
        this.stagingStride = blockSize - 1;
        // Quantised pair p must end before the first staged byte not yet read: channel 2p+2's (or the scales).
        long shift = 0;
        for (int p = 0; p < numPairs; p++) {
            shift = Math.max(shift, (p + 1) * pairBytes - Math.min(2L * p + 2, headDim) * stagingStride);
        }
        this.stagingBase = shift;
        this.tokenScales = stagingBase + headDim * stagingStride;
        this.stateAt = Math.max(numPairs * pairBytes, tokenScales + 4L * blockSize);
        this.vBase = stateAt + 4;
        int fullGroups = headDim / PACK_GROUP;
        this.vRowBytes = fullGroups * (PACK_GROUP / 2L) + (headDim % PACK_GROUP + 1) / 2;
        this.numValueGroups = (headDim + this.valueGroupSize - 1) / this.valueGroupSize;
        this.vParams = vBase + blockSize * vRowBytes;
        this.totalBytes = vParams + 4L * blockSize * numValueGroups;
    }

    @Override
    public long bytesPerHeadBlock() {
        return totalBytes;
    }

    @Override
    public void write(MemorySegment region, MemorySegment staging, int slot, float[] k, int kOffset, float[] v, int vOffset) {
        assert slot >= 0 && slot < blockSize : slot;
        assert Shapes.allFinite(k, kOffset, headDim) && Shapes.allFinite(v, vOffset, headDim) : "non-finite K or V";
        assert slot == 0 || region.get(INT, stateAt) == STAGING : "slot " + slot + " written out of order";
        if (slot == 0) {
            region.set(INT, stateAt, STAGING);
        }
        writeValues(region, slot, v, vOffset);
        if (slot == blockSize - 1) {
            quantizeKeys(region, k, kOffset);
            region.set(INT, stateAt, QUANTIZED);
        } else {
            stageKey(region, slot, k, kOffset);
        }
    }

    private void stageKey(MemorySegment region, int slot, float[] k, int kOffset) {
        float absMax = Shapes.absMax(k, kOffset, headDim);
        region.set(FLOAT, tokenScales + 4L * slot, absMax / 127f);
        for (int d = 0; d < headDim; d++) {
            int code = absMax == 0f ? 0 : Math.round(k[kOffset + d] / absMax * 127f);
            region.set(ValueLayout.JAVA_BYTE, staged(d, slot), (byte) code);
        }
    }

    private long staged(int channel, int slot) {
        return stagingBase + channel * stagingStride + slot;
    }

    private float stagedKey(MemorySegment region, int channel, int slot, float[] k, int kOffset) {
        if (slot == blockSize - 1) {
            return k[kOffset + channel];
        }
        return region.get(ValueLayout.JAVA_BYTE, staged(channel, slot)) * region.get(FLOAT, tokenScales + 4L * slot);
    }

    /** Turns the staged keys plus the last slot's {@code k} into per-channel codes, pair by pair, in place. */
    private void quantizeKeys(MemorySegment region, float[] k, int kOffset) {
        for (int p = 0; p < numPairs; p++) {
            int c0 = 2 * p;
            int c1 = c0 + 1;
            boolean hasHigh = c1 < headDim;
            float min0 = Float.POSITIVE_INFINITY;
            float max0 = Float.NEGATIVE_INFINITY;
            float min1 = Float.POSITIVE_INFINITY;
            float max1 = Float.NEGATIVE_INFINITY;
            for (int t = 0; t < blockSize; t++) {
                float x0 = stagedKey(region, c0, t, k, kOffset);
                min0 = Math.min(min0, x0);
                max0 = Math.max(max0, x0);
                if (hasHigh) {
                    float x1 = stagedKey(region, c1, t, k, kOffset);
                    min1 = Math.min(min1, x1);
                    max1 = Math.max(max1, x1);
                }
            }
            short minBits0 = Half.saturate(min0);
            short minBits1 = hasHigh ? Half.saturate(min1) : 0;
            float scale0 = Int4Params.scale(minBits0, max0);
            float scale1 = hasHigh ? Int4Params.scale(minBits1, max1) : 0f;
            float base0 = Float.float16ToFloat(minBits0);
            float base1 = Float.float16ToFloat(minBits1);
            long at = p * pairBytes;
            for (int t = 0; t < blockSize; t++) {
                int code0 = Int4Params.code(stagedKey(region, c0, t, k, kOffset), scale0, base0);
                int code1 = hasHigh ? Int4Params.code(stagedKey(region, c1, t, k, kOffset), scale1, base1) : 0;
                assert t == blockSize - 1 || at + t <= staged(c0, t) : "quantised pair " + p + " overtakes its staged keys";
                region.set(ValueLayout.JAVA_BYTE, at + t, (byte) (code0 | code1 << 4));
            }
            long params = at + blockSize;
            region.set(FLOAT, params, scale0);
            region.set(FLOAT, params + 4, scale1);
            region.set(SHORT, params + 8, minBits0);
            region.set(SHORT, params + 10, minBits1);
        }
    }

    private void writeValues(MemorySegment region, int slot, float[] v, int vOffset) {
        long paramsAt = vParams + 4L * slot * numValueGroups;
        for (int g = 0; g < numValueGroups; g++) {
            int from = g * valueGroupSize;
            int to = Math.min(headDim, from + valueGroupSize);
            float min = Float.POSITIVE_INFINITY;
            float max = Float.NEGATIVE_INFINITY;
            for (int c = from; c < to; c++) {
                min = Math.min(min, v[vOffset + c]);
                max = Math.max(max, v[vOffset + c]);
            }
            int params = Int4Params.of(min, max);
            region.set(SHORT, paramsAt + 4L * g, Int4Params.scaleBits(params));
            region.set(SHORT, paramsAt + 4L * g + 2, Int4Params.minBits(params));
        }
        long row = vBase + slot * vRowBytes;
        for (int g0 = 0; g0 < headDim; g0 += PACK_GROUP) {
            int width = Math.min(PACK_GROUP, headDim - g0);
            int half = (width + 1) / 2;
            int valueGroup = g0 / valueGroupSize;
            float scale = Float.float16ToFloat(region.get(SHORT, paramsAt + 4L * valueGroup));
            float min = Float.float16ToFloat(region.get(SHORT, paramsAt + 4L * valueGroup + 2));
            for (int j = 0; j < half; j++) {
                int lo = Int4Params.code(v[vOffset + g0 + j], scale, min);
                int hi = j + half < width ? Int4Params.code(v[vOffset + g0 + half + j], scale, min) : 0;
                region.set(ValueLayout.JAVA_BYTE, row + g0 / 2 + j, (byte) (lo | hi << 4));
            }
        }
    }

    @Override
    public void read(MemorySegment region, MemorySegment staging, int slot, float[] k, int kOffset, float[] v, int vOffset) {
        assert slot >= 0 && slot < blockSize : slot;
        int state = region.get(INT, stateAt);
        assert state == STAGING || state == QUANTIZED : "uninitialised region";
        if (state == QUANTIZED) {
            for (int c = 0; c < headDim; c++) {
                long at = (c >>> 1) * pairBytes;
                int code = region.get(ValueLayout.JAVA_BYTE, at + slot) >>> ((c & 1) * 4) & 0xf;
                long params = at + blockSize;
                k[kOffset + c] = half(region, params + 8 + (c & 1) * 2L) + region.get(FLOAT, params + (c & 1) * 4L) * code;
            }
        } else {
            assert slot < blockSize - 1 : slot;
            float tokenScale = region.get(FLOAT, tokenScales + 4L * slot);
            for (int c = 0; c < headDim; c++) {
                k[kOffset + c] = region.get(ValueLayout.JAVA_BYTE, staged(c, slot)) * tokenScale;
            }
        }
        long row = vBase + slot * vRowBytes;
        long paramsAt = vParams + 4L * slot * numValueGroups;
        for (int c = 0; c < headDim; c++) {
            int g0 = c & -PACK_GROUP;
            int width = Math.min(PACK_GROUP, headDim - g0);
            int half = (width + 1) / 2;
            int j = c - g0;
            int code = j < half
                    ? region.get(ValueLayout.JAVA_BYTE, row + g0 / 2 + j) & 0xf
                    : region.get(ValueLayout.JAVA_BYTE, row + g0 / 2 + j - half) >>> 4 & 0xf;
            long params = paramsAt + 4L * (c / valueGroupSize);
            v[vOffset + c] = Float.float16ToFloat(region.get(SHORT, params + 2))
                    + Float.float16ToFloat(region.get(SHORT, params)) * code;
        }
    }

    private static float half(MemorySegment region, long offset) {
        return Float.float16ToFloat(region.get(SHORT, offset));
    }

    /** Lanes {@code part*L ..} of a byte chunk, zero-extended: the high nibble is then a plain shift away. */
    private static IntVector unsignedBytes(ByteVector bytes, int part) {
        return (IntVector) bytes.convertShape(VectorOperators.ZERO_EXTEND_B2I, Lanes.I, part);
    }

    private static FloatVector low(IntVector bytes) {
        return (FloatVector) bytes.and(0xf).convert(VectorOperators.I2F, 0);
    }

    private static FloatVector high(IntVector bytes) {
        return (FloatVector) bytes.lanewise(VectorOperators.LSHR, 4).convert(VectorOperators.I2F, 0);
    }

    @Override
    public void keyScores(MemorySegment region, MemorySegment staging, int numSlots, float[] q, int qOffset, float scale,
            float[] scores, int scoresOffset) {
        assert numSlots >= 0 && numSlots <= blockSize : numSlots;
        assert region.byteSize() >= totalBytes;
        if (numSlots == 0) {
            return;
        }
        int state = region.get(INT, stateAt);
        assert state == STAGING || state == QUANTIZED : "uninitialised region";
        if (state == QUANTIZED) {
            quantizedKeyScores(region, numSlots, q, qOffset, scale, scores, scoresOffset);
        } else {
            assert numSlots < blockSize : numSlots;
            stagedKeyScores(region, numSlots, q, qOffset, scale, scores, scoresOffset);
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
        long lastPair = fullPairs * pairBytes;
        float offset = 0f;
        for (int p = 0; p < fullPairs; p++) {
            long params = p * pairBytes + blockSize;
            offset += q[qOffset + 2 * p] * half(region, params + 8) + q[qOffset + 2 * p + 1] * half(region, params + 10);
        }
        if (oddChannel) {
            offset += q[qOffset + headDim - 1] * half(region, lastPair + blockSize + 8);
        }
        int t0 = 0;
        for (; t0 < numSlots && t0 + E <= blockSize; t0 += E) {
            FloatVector x0 = FloatVector.zero(F);
            FloatVector x1 = FloatVector.zero(F);
            FloatVector y0 = FloatVector.zero(F);
            FloatVector y1 = FloatVector.zero(F);
            for (int p = 0; p < fullPairs; p++) {
                long at = p * pairBytes;
                FloatVector c0 = FloatVector.broadcast(F, q[qOffset + 2 * p] * region.get(FLOAT, at + blockSize));
                FloatVector c1 = FloatVector.broadcast(F, q[qOffset + 2 * p + 1] * region.get(FLOAT, at + blockSize + 4));
                ByteVector codes = ByteVector.fromMemorySegment(B, region, at + t0, LE);
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
                FloatVector c0 = FloatVector.broadcast(F, q[qOffset + headDim - 1] * region.get(FLOAT, lastPair + blockSize));
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
                long at = (c >>> 1) * pairBytes;
                int code = region.get(ValueLayout.JAVA_BYTE, at + t) >>> ((c & 1) * 4) & 0xf;
                s += q[qOffset + c] * region.get(FLOAT, at + blockSize + (c & 1) * 4L) * code;
            }
            scores[scoresOffset + t] = scale * s;
        }
    }

    /** {@code score[t] = scale × tokenScale[t] × Σ_c q[c]·code[c][t]}, one vector of tokens per channel. */
    private void stagedKeyScores(MemorySegment region, int numSlots, float[] q, int qOffset, float scale,
            float[] scores, int scoresOffset) {
        // Four channels per pass give four FMA chains; where a byte chunk feeds two float vectors, eight
        // conversions would push the method past C2's inlining cutoff (boxing), so those take one channel.
        int bound4 = PARTS == 1 ? headDim & ~3 : 0;
        int t0 = 0;
        // A chunk may read the byte after a channel's last staged token: the next channel's, or a token scale.
        for (; t0 < numSlots && t0 + E <= blockSize; t0 += E) {
            FloatVector x0 = FloatVector.zero(F);
            FloatVector x1 = FloatVector.zero(F);
            FloatVector x2 = FloatVector.zero(F);
            FloatVector x3 = FloatVector.zero(F);
            FloatVector y0 = FloatVector.zero(F);
            int c = 0;
            for (; c < bound4; c += 4) {
                long at = staged(c, t0);
                x0 = signedBytes(ByteVector.fromMemorySegment(B, region, at, LE), 0)
                        .fma(FloatVector.broadcast(F, q[qOffset + c]), x0);
                x1 = signedBytes(ByteVector.fromMemorySegment(B, region, at + stagingStride, LE), 0)
                        .fma(FloatVector.broadcast(F, q[qOffset + c + 1]), x1);
                x2 = signedBytes(ByteVector.fromMemorySegment(B, region, at + 2 * stagingStride, LE), 0)
                        .fma(FloatVector.broadcast(F, q[qOffset + c + 2]), x2);
                x3 = signedBytes(ByteVector.fromMemorySegment(B, region, at + 3 * stagingStride, LE), 0)
                        .fma(FloatVector.broadcast(F, q[qOffset + c + 3]), x3);
            }
            for (; c < headDim; c++) {
                ByteVector b0 = ByteVector.fromMemorySegment(B, region, staged(c, t0), LE);
                FloatVector q0 = FloatVector.broadcast(F, q[qOffset + c]);
                x0 = signedBytes(b0, 0).fma(q0, x0);
                if (PARTS == 2) {
                    y0 = signedBytes(b0, 1).fma(q0, y0);
                }
            }
            FloatVector tokenScale = FloatVector.fromMemorySegment(F, region, tokenScales + 4L * t0, LE);
            x0.add(x1).add(x2.add(x3)).mul(tokenScale).mul(scale)
                    .intoArray(scores, scoresOffset + t0, F.indexInRange(t0, numSlots));
            if (PARTS == 2) {
                FloatVector tokenScale1 = FloatVector.fromMemorySegment(F, region, tokenScales + 4L * (t0 + L), LE);
                y0.mul(tokenScale1).mul(scale).intoArray(scores, scoresOffset + t0 + L, F.indexInRange(t0 + L, numSlots));
            }
        }
        for (int t = t0; t < numSlots; t++) {
            float s = 0f;
            for (int c = 0; c < headDim; c++) {
                s += q[qOffset + c] * region.get(ValueLayout.JAVA_BYTE, staged(c, t));
            }
            scores[scoresOffset + t] = scale * region.get(FLOAT, tokenScales + 4L * t) * s;
        }
    }

    /**
     * {@code out[c] += Σ_t w[t]·scale[t]·code[t][c] + Σ_t w[t]·min[t]}, per group of 32 channels: the low
     * nibbles of a chunk of bytes are channels {@code j..}, the high nibbles channels {@code half + j..}.
     */
    @Override
    public void accumulateValues(MemorySegment region, int numSlots, float[] weights, int weightsOffset, float[] out,
            int outOffset) {
        assert numSlots >= 0 && numSlots <= blockSize : numSlots;
        assert region.byteSize() >= totalBytes;
        for (int g0 = 0; g0 < headDim; g0 += PACK_GROUP) {
            int width = Math.min(PACK_GROUP, headDim - g0);
            int half = (width + 1) / 2;
            long groupParams = vParams + 4L * (g0 / valueGroupSize);
            long groupCodes = vBase + g0 / 2;
            int j = 0;
            if ((width & 1) == 0) {
                for (; j + E <= half; j += E) {
                    FloatVector x0 = FloatVector.zero(F);
                    FloatVector x1 = FloatVector.zero(F);
                    FloatVector y0 = FloatVector.zero(F);
                    FloatVector y1 = FloatVector.zero(F);
                    float bias = 0f;
                    for (int t = 0; t < numSlots; t++) {
                        float w = weights[weightsOffset + t];
                        long params = groupParams + 4L * t * numValueGroups;
                        bias += w * half(region, params + 2);
                        FloatVector ws = FloatVector.broadcast(F, w * half(region, params));
                        ByteVector codes = ByteVector.fromMemorySegment(B, region, groupCodes + t * vRowBytes + j, LE);
                        IntVector i0 = unsignedBytes(codes, 0);
                        x0 = low(i0).fma(ws, x0);
                        x1 = high(i0).fma(ws, x1);
                        if (PARTS == 2) {
                            IntVector i1 = unsignedBytes(codes, 1);
                            y0 = low(i1).fma(ws, y0);
                            y1 = high(i1).fma(ws, y1);
                        }
                    }
                    int lo = outOffset + g0 + j;
                    int hi = lo + half;
                    x0.add(bias).add(FloatVector.fromArray(F, out, lo)).intoArray(out, lo);
                    x1.add(bias).add(FloatVector.fromArray(F, out, hi)).intoArray(out, hi);
                    if (PARTS == 2) {
                        y0.add(bias).add(FloatVector.fromArray(F, out, lo + L)).intoArray(out, lo + L);
                        y1.add(bias).add(FloatVector.fromArray(F, out, hi + L)).intoArray(out, hi + L);
                    }
                }
            }
            for (; j < half; j++) {
                boolean hasHigh = j + half < width;
                float lo = 0f;
                float hi = 0f;
                for (int t = 0; t < numSlots; t++) {
                    float w = weights[weightsOffset + t];
                    long params = groupParams + 4L * t * numValueGroups;
                    float s = half(region, params);
                    float m = half(region, params + 2);
                    int codes = region.get(ValueLayout.JAVA_BYTE, groupCodes + t * vRowBytes + j);
                    lo += w * (m + s * (codes & 0xf));
                    hi += w * (m + s * (codes >>> 4 & 0xf));
                }
                out[outOffset + g0 + j] += lo;
                if (hasHigh) {
                    out[outOffset + g0 + half + j] += hi;
                }
            }
        }
    }
}
