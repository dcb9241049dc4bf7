package io.kvasir.plugins.codec.internal;

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

import io.kvasir.api.plugin.KvBlockLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

/**
 * int8 with per-channel parameters over the block, as KIVI (Liu et al., 2024) quantises keys: keys have outlier
 * channels and channels with an offset, so each key channel gets its own minimum and scale (asymmetric, 256
 * levels), and each value channel its own scale (symmetric, [-127, 127]). Per-token scales spend the levels on
 * the largest channel of each vector; per-channel parameters fit every channel's own range.
 *
 * <p>Per-channel parameters need the block's range, which grows as the block fills. Instead of staging, each
 * channel keeps a <em>covered range</em> that only widens: a new token inside it is quantised at once; one outside
 * it widens the range to include the token and re-quantises that channel's earlier codes to the new grid (one
 * extra rounding, at most half a new step, each time the range widens). Scales are stored in one byte
 * ({@link ScaleByte}, rounded up) and key minimums in f16 (rounded down), so the covered range always contains
 * every value written. Slot 0 starts a fresh range, so a reused region needs no reset.
 *
 * <p>Region ({@code B = blockSize}, {@code D = headDim}), {@code 2·B·D + 4·D} bytes:
 * <ul>
 *   <li>K codes, channel-major: channel {@code d}, token {@code t} at {@code d·B + t}, stored as
 *       {@code code - 128} (signed), {@code K ≈ min[d] + scale[d] × code}, code in [0, 255]. A channel's codes
 *       lie along the tokens, so {@link #keyScores} computes a vector of tokens' scores per channel.</li>
 *   <li>V codes, slot-major rows of {@code D} signed bytes in [-127, 127], {@code V ≈ scale[d] × code}.</li>
 *   <li>K minimums (f16, per channel), K scales ({@link ScaleByte}, per channel), V scales (likewise).</li>
 * </ul>
 *
 * <p>Invariants: every written key lies in {@code [min, min + 255·scale]} of its channel and every written value
 * in {@code [-127·scale, 127·scale]}, up to the saturation of f16 minimums (±65504) and scales (61440).
 */
public final class Int8Layout implements KvBlockLayout {

    static final int KEY_LEVELS = 255;
    static final int KEY_OFFSET = 128;
    static final int VALUE_MAX = 127;

    final int blockSize;
    final int headDim;
    final long vBase;
    final long kMins;
    final long kScales;
    final long vScales;
    private final Int8Writer writer;

    public Int8Layout(int blockSize, int headDim) {
        this(blockSize, headDim, true);
    }

    /** {@code vectorWrites = false} writes every channel with the scalar path (for tests: both write the same bytes). */
    Int8Layout(int blockSize, int headDim, boolean vectorWrites) {
        Shapes.check(blockSize, headDim);
        this.blockSize = blockSize;
        this.headDim = headDim;
        this.vBase = (long) blockSize * headDim;
        this.kMins = 2 * vBase;
        this.kScales = kMins + 2L * headDim;
        this.vScales = kScales + headDim;
        this.writer = new Int8Writer(this, vectorWrites);
    }

    @Override
    public long bytesPerHeadBlock() {
        return vScales + headDim;
    }

    @Override
    public void write(MemorySegment region, MemorySegment staging, int slot, float[] k, int kOffset, float[] v, int vOffset) {
        assert slot >= 0 && slot < blockSize : slot;
        assert Shapes.allFinite(k, kOffset, headDim) && Shapes.allFinite(v, vOffset, headDim) : "non-finite K or V";
        writer.write(region, slot, k, kOffset, v, vOffset);
    }

    @Override
    public void read(MemorySegment region, MemorySegment staging, int slot, float[] k, int kOffset, float[] v, int vOffset) {
        assert slot >= 0 && slot < blockSize : slot;
        for (int d = 0; d < headDim; d++) {
            k[kOffset + d] = keyMin(region, d) + keyScale(region, d)
                    * (region.get(ValueLayout.JAVA_BYTE, (long) d * blockSize + slot) + KEY_OFFSET);
            v[vOffset + d] = ScaleByte.decode(region.get(ValueLayout.JAVA_BYTE, vScales + d))
                    * region.get(ValueLayout.JAVA_BYTE, vBase + (long) slot * headDim + d);
        }
    }

    private float keyMin(MemorySegment region, int d) {
        return Float.float16ToFloat(region.get(SHORT, kMins + 2L * d));
    }

    private float keyScale(MemorySegment region, int d) {
        return ScaleByte.decode(region.get(ValueLayout.JAVA_BYTE, kScales + d));
    }

    /**
     * {@code score[t] = scale × (Σ_d q[d]·(min[d] + 128·s[d]) + Σ_d q[d]·s[d]·stored[d][t])}: the first sum is the
     * same for every token, the second runs along the tokens, one vector of tokens per channel.
     */
    @Override
    public void keyScores(MemorySegment region, MemorySegment staging, int numSlots, float[] q, int qOffset, float scale,
            float[] scores, int scoresOffset) {
        assert numSlots >= 0 && numSlots <= blockSize : numSlots;
        assert region.byteSize() >= bytesPerHeadBlock();
        if (numSlots == 0) {
            return;
        }
        float offset = scoreOffset(region, q, qOffset);
        // Four channels per pass give four FMA chains; where a byte chunk feeds two float vectors, eight
        // conversions would push the method past C2's inlining cutoff (boxing), so those take one channel.
        int bound4 = PARTS == 1 ? headDim & ~3 : 0;
        long stride = blockSize;
        int t0 = 0;
        // Blocks of two or more chunks (16-token blocks below 512-bit vectors): two chunks per pass over the
        // channels, so each channel's coefficient is computed once for both; two channels give four FMA chains.
        // A pass whose second chunk holds no slot still computes it (the bytes lie inside the channel's row) and
        // stores only the first: so for 16-token blocks the one-chunk loop below is never reached, and C2, which
        // inlines the Vector API only up to a node budget per compilation, leaves no vector operation of this
        // method out of line (it did with both loops live: each boxed its vector, allocating).
        for (; PARTS == 1 && t0 < numSlots && t0 + 2 * E <= blockSize; t0 += 2 * E) {
            FloatVector x0 = FloatVector.zero(F);
            FloatVector x1 = FloatVector.zero(F);
            FloatVector y0 = FloatVector.zero(F);
            FloatVector y1 = FloatVector.zero(F);
            int d = 0;
            for (; d + 2 <= headDim; d += 2) {
                long at = d * stride + t0;
                FloatVector c0 = FloatVector.broadcast(F, q[qOffset + d] * keyScale(region, d));
                FloatVector c1 = FloatVector.broadcast(F, q[qOffset + d + 1] * keyScale(region, d + 1));
                x0 = signedBytes(ByteVector.fromMemorySegment(B, region, at, LE), 0).fma(c0, x0);
                y0 = signedBytes(ByteVector.fromMemorySegment(B, region, at + E, LE), 0).fma(c0, y0);
                x1 = signedBytes(ByteVector.fromMemorySegment(B, region, at + stride, LE), 0).fma(c1, x1);
                y1 = signedBytes(ByteVector.fromMemorySegment(B, region, at + stride + E, LE), 0).fma(c1, y1);
            }
            if (d < headDim) {
                long at = d * stride + t0;
                FloatVector c0 = FloatVector.broadcast(F, q[qOffset + d] * keyScale(region, d));
                x0 = signedBytes(ByteVector.fromMemorySegment(B, region, at, LE), 0).fma(c0, x0);
                y0 = signedBytes(ByteVector.fromMemorySegment(B, region, at + E, LE), 0).fma(c0, y0);
            }
            x0.add(x1).add(offset).mul(scale).intoArray(scores, scoresOffset + t0, F.indexInRange(t0, numSlots));
            if (t0 + E < numSlots) {
                y0.add(y1).add(offset).mul(scale)
                        .intoArray(scores, scoresOffset + t0 + E, F.indexInRange(t0 + E, numSlots));
            }
        }
        for (; t0 < numSlots && t0 + E <= blockSize; t0 += E) {
            FloatVector x0 = FloatVector.zero(F);
            FloatVector x1 = FloatVector.zero(F);
            FloatVector x2 = FloatVector.zero(F);
            FloatVector x3 = FloatVector.zero(F);
            FloatVector y0 = FloatVector.zero(F);
            int d = 0;
            for (; d < bound4; d += 4) {
                long at = d * stride + t0;
                x0 = signedBytes(ByteVector.fromMemorySegment(B, region, at, LE), 0)
                        .fma(FloatVector.broadcast(F, q[qOffset + d] * keyScale(region, d)), x0);
                x1 = signedBytes(ByteVector.fromMemorySegment(B, region, at + stride, LE), 0)
                        .fma(FloatVector.broadcast(F, q[qOffset + d + 1] * keyScale(region, d + 1)), x1);
                x2 = signedBytes(ByteVector.fromMemorySegment(B, region, at + 2 * stride, LE), 0)
                        .fma(FloatVector.broadcast(F, q[qOffset + d + 2] * keyScale(region, d + 2)), x2);
                x3 = signedBytes(ByteVector.fromMemorySegment(B, region, at + 3 * stride, LE), 0)
                        .fma(FloatVector.broadcast(F, q[qOffset + d + 3] * keyScale(region, d + 3)), x3);
            }
            for (; d < headDim; d++) {
                ByteVector b0 = ByteVector.fromMemorySegment(B, region, d * stride + t0, LE);
                FloatVector c0 = FloatVector.broadcast(F, q[qOffset + d] * keyScale(region, d));
                x0 = signedBytes(b0, 0).fma(c0, x0);
                if (PARTS == 2) {
                    y0 = signedBytes(b0, 1).fma(c0, y0);
                }
            }
            x0.add(x1).add(x2.add(x3)).add(offset).mul(scale)
                    .intoArray(scores, scoresOffset + t0, F.indexInRange(t0, numSlots));
            if (PARTS == 2) {
                y0.add(offset).mul(scale).intoArray(scores, scoresOffset + t0 + L, F.indexInRange(t0 + L, numSlots));
            }
        }
        for (int t = t0; t < numSlots; t++) {
            float s = offset;
            for (int d = 0; d < headDim; d++) {
                s += q[qOffset + d] * keyScale(region, d) * region.get(ValueLayout.JAVA_BYTE, d * stride + t);
            }
            scores[scoresOffset + t] = scale * s;
        }
    }

    /**
     * {@code Σ_d q[d]·(min[d] + 128·s[d])}, the part of every token's score that its codes do not change; vectorised
     * over the channels, because per channel in scalar code (an f16 and a scale byte to decode) it cost about as
     * much as the codes' products of a 16-token block.
     */
    private float scoreOffset(MemorySegment region, float[] q, int qOffset) {
        FloatVector sum = FloatVector.zero(F);
        int d = 0;
        // A scale chunk holds E >= L bytes; past the key scales it reads value scales, inside the region.
        for (; d + L <= headDim; d += L) {
            FloatVector mins = Half.toFloats(ShortVector.fromMemorySegment(S, region, kMins + 2L * d, LE));
            FloatVector scales = ScaleByte.toFloats(ByteVector.fromMemorySegment(B, region, kScales + d, LE), 0);
            sum = scales.mul(KEY_OFFSET).add(mins).fma(FloatVector.fromArray(F, q, qOffset + d), sum);
        }
        float offset = sum.reduceLanes(VectorOperators.ADD);
        for (; d < headDim; d++) {
            offset += q[qOffset + d] * (keyMin(region, d) + KEY_OFFSET * keyScale(region, d));
        }
        return offset;
    }

    /** {@code out[d] += scale[d] × Σ_t w[t]·code[t][d]}: the codes are summed first, the scale applied once. */
    @Override
    public void accumulateValues(MemorySegment region, int numSlots, float[] weights, int weightsOffset, float[] out,
            int outOffset) {
        assert numSlots >= 0 && numSlots <= blockSize : numSlots;
        assert region.byteSize() >= bytesPerHeadBlock();
        long rowBytes = headDim;
        int bound2 = headDim - headDim % (2 * E);
        int d = 0;
        // Two chunks per pass: two (or four) independent FMA chains while the codes convert.
        for (; d < bound2; d += 2 * E) {
            FloatVector a0 = FloatVector.zero(F);
            FloatVector a1 = FloatVector.zero(F);
            FloatVector a2 = FloatVector.zero(F);
            FloatVector a3 = FloatVector.zero(F);
            long off = vBase + d;
            for (int t = 0; t < numSlots; t++) {
                FloatVector w = FloatVector.broadcast(F, weights[weightsOffset + t]);
                long r = off + t * rowBytes;
                ByteVector b0 = ByteVector.fromMemorySegment(B, region, r, LE);
                ByteVector b1 = ByteVector.fromMemorySegment(B, region, r + E, LE);
                a0 = signedBytes(b0, 0).fma(w, a0);
                a1 = signedBytes(b1, 0).fma(w, a1);
                if (PARTS == 2) {
                    a2 = signedBytes(b0, 1).fma(w, a2);
                    a3 = signedBytes(b1, 1).fma(w, a3);
                }
            }
            addScaled(region, d, a0, a2, out, outOffset);
            addScaled(region, d + E, a1, a3, out, outOffset);
        }
        if (d + E <= headDim) {
            FloatVector a0 = FloatVector.zero(F);
            FloatVector a2 = FloatVector.zero(F);
            long off = vBase + d;
            for (int t = 0; t < numSlots; t++) {
                FloatVector w = FloatVector.broadcast(F, weights[weightsOffset + t]);
                ByteVector b0 = ByteVector.fromMemorySegment(B, region, off + t * rowBytes, LE);
                a0 = signedBytes(b0, 0).fma(w, a0);
                if (PARTS == 2) {
                    a2 = signedBytes(b0, 1).fma(w, a2);
                }
            }
            addScaled(region, d, a0, a2, out, outOffset);
            d += E;
        }
        for (; d < headDim; d++) {
            float s = 0f;
            long off = vBase + d;
            for (int t = 0; t < numSlots; t++) {
                s += weights[weightsOffset + t] * region.get(ValueLayout.JAVA_BYTE, off + t * rowBytes);
            }
            out[outOffset + d] += ScaleByte.decode(region.get(ValueLayout.JAVA_BYTE, vScales + d)) * s;
        }
    }

    /** {@code out[d .. d+E) += scales[d .. d+E) × sums}, the sums of one byte chunk ({@code high} unused if PARTS is 1). */
    private void addScaled(MemorySegment region, int d, FloatVector low, FloatVector high, float[] out, int outOffset) {
        ByteVector scales = ByteVector.fromMemorySegment(B, region, vScales + d, LE);
        int at = outOffset + d;
        low.fma(ScaleByte.toFloats(scales, 0), FloatVector.fromArray(F, out, at)).intoArray(out, at);
        if (PARTS == 2) {
            high.fma(ScaleByte.toFloats(scales, 1), FloatVector.fromArray(F, out, at + L)).intoArray(out, at + L);
        }
    }
}
