package io.kvasir.plugins.codec.internal;

import static io.kvasir.plugins.codec.internal.Lanes.B;
import static io.kvasir.plugins.codec.internal.Lanes.E;
import static io.kvasir.plugins.codec.internal.Lanes.F;
import static io.kvasir.plugins.codec.internal.Lanes.FLOAT;
import static io.kvasir.plugins.codec.internal.Lanes.L;
import static io.kvasir.plugins.codec.internal.Lanes.LE;
import static io.kvasir.plugins.codec.internal.Lanes.PARTS;
import static io.kvasir.plugins.codec.internal.Lanes.SHORT;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import io.kvasir.api.plugin.KvBlockLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * OCP FP8 E4M3 per token and head: each vector is stored as E4M3 codes with its own f32 scale, chosen by
 * {@link Fp8Scale} for the least squared error (at most the absmax scale's, which maps the largest element onto 448
 * and keeps every element within 2^-4 of itself).
 *
 * <p>Keys are coded <em>predictively</em> (closed-loop DPCM): slot 0 writes its key, rounded to f16, as the
 * block's reference {@code r}; slot {@code t} stores the codes of {@code k[t] - k̂[t-1]}, its difference from the
 * previous slot's key as decoded, so {@code k̂[t] = r + Σ_{u<=t} s[u]·code[u]}. A key differs from its neighbour
 * by much less than its own size in the channels that carry a large offset or turn slowly under the rotary
 * encoding (KIVI's observation that motivates its per-channel key quantisation), and E4M3's relative error then
 * applies to the small difference. Because the difference is taken from the decoded key, errors do not
 * accumulate along the block: each key's error is its own difference's rounding. Attention needs no decoded key
 * either: {@code q·k̂[t] = q·r + Σ_{u<=t} s[u]·(q·code[u])}, a running sum of the per-slot products. Keys dominate
 * this codec's error (softmax exponentiates it): on stories260K, E4M3 keys with exact values disagree with the
 * exact cache's top-1 7 times as often as E4M3 values with exact keys.
 *
 * <p>Region: K codes (slot-major rows of {@code headDim} bytes), V codes, K scales, V scales (f32), the K
 * reference (f16 per channel); {@code 2 × blockSize × (headDim + 4) + 2 × headDim} bytes.
 *
 * <p>Invariants: no code is NaN ({@code S.1111.111}); scales are finite and {@code >= 0}; the reference is the
 * f16 rounding of the key last written to slot 0 (saturated to ±65504); slot {@code t}'s key codes are those of
 * its difference from slot {@code t-1}'s decoded key.
 */
public final class Fp8E4m3Layout implements KvBlockLayout {

    /** Per worker thread: the key difference being encoded. */
    private static final ThreadLocal<float[]> DIFFERENCE = ThreadLocal.withInitial(() -> new float[64]);
    private final int blockSize;
    private final int headDim;
    private final long vBase;
    private final long kScales;
    private final long vScales;
    private final long kReference;

    public Fp8E4m3Layout(int blockSize, int headDim) {
        Shapes.check(blockSize, headDim);
        this.blockSize = blockSize;
        this.headDim = headDim;
        this.vBase = (long) blockSize * headDim;
        this.kScales = 2 * vBase;
        this.vScales = kScales + 4L * blockSize;
        this.kReference = vScales + 4L * blockSize;
    }

    @Override
    public long bytesPerHeadBlock() {
        return kReference + 2L * headDim;
    }

    @Override
    public void write(MemorySegment region, MemorySegment staging, int slot, float[] k, int kOffset, float[] v, int vOffset) {
        assert slot >= 0 && slot < blockSize : slot;
        assert Shapes.allFinite(k, kOffset, headDim) && Shapes.allFinite(v, vOffset, headDim) : "non-finite K or V";
        if (slot == 0) {
            for (int d = 0; d < headDim; d++) {
                region.set(SHORT, kReference + 2L * d, Half.saturate(k[kOffset + d]));
            }
        }
        float[] difference = DIFFERENCE.get();
        if (difference.length < headDim) {
            difference = new float[headDim];
            DIFFERENCE.set(difference);
        }
        decodeKey(region, slot - 1, difference, 0);
        for (int d = 0; d < headDim; d++) {
            difference[d] = k[kOffset + d] - difference[d];
        }
        region.set(FLOAT, kScales + 4L * slot, Fp8Scale.encode(difference, 0, headDim, region, (long) slot * headDim));
        long vRow = vBase + (long) slot * headDim;
        region.set(FLOAT, vScales + 4L * slot, Fp8Scale.encode(v, vOffset, headDim, region, vRow));
    }

    private float reference(MemorySegment region, int d) {
        return Float.float16ToFloat(region.get(SHORT, kReference + 2L * d));
    }

    @Override
    public void read(MemorySegment region, MemorySegment staging, int slot, float[] k, int kOffset, float[] v, int vOffset) {
        assert slot >= 0 && slot < blockSize : slot;
        decodeKey(region, slot, k, kOffset);
        dequantize(region, vBase + (long) slot * headDim, region.get(FLOAT, vScales + 4L * slot), v, vOffset);
    }

    /** {@code k̂[slot] = r + Σ_{u<=slot} s[u]·code[u]} into {@code k}; slot -1 is the reference alone. */
    private void decodeKey(MemorySegment region, int slot, float[] k, int kOffset) {
        for (int d = 0; d < headDim; d++) {
            k[kOffset + d] = reference(region, d);
        }
        for (int u = 0; u <= slot; u++) {
            float scale = region.get(FLOAT, kScales + 4L * u);
            long row = (long) u * headDim;
            for (int d = 0; d < headDim; d++) {
                k[kOffset + d] += Fp8E4m3.decode(region.get(ValueLayout.JAVA_BYTE, row + d)) * scale;
            }
        }
    }

    private void dequantize(MemorySegment region, long row, float scale, float[] x, int offset) {
        for (int d = 0; d < headDim; d++) {
            x[offset + d] = Fp8E4m3.decode(region.get(ValueLayout.JAVA_BYTE, row + d)) * scale;
        }
    }

    @Override
    public void keyScores(MemorySegment region, MemorySegment staging, int numSlots, float[] q, int qOffset, float scale,
            float[] scores, int scoresOffset) {
        assert numSlots >= 0 && numSlots <= blockSize : numSlots;
        assert region.byteSize() >= bytesPerHeadBlock();
        int bound = headDim - headDim % E;
        long rowBytes = headDim;
        // Per slot scale × s[t] × q·code[t] first; then the running sum from scale × q·r (see the class comment).
        int t = 0;
        // Two slots share each q load and give two independent FMA chains; the decoding supplies the rest of
        // the parallelism. More decodings in one method (four slots, or two where a byte chunk feeds two float
        // vectors) bring it to C2's inlining cutoff, past which a decoding stays out of line and boxes.
        for (; PARTS == 1 && t + 2 <= numSlots; t += 2) {
            long r0 = t * rowBytes;
            long r1 = r0 + rowBytes;
            FloatVector a0 = FloatVector.zero(F);
            FloatVector a1 = FloatVector.zero(F);
            int d = 0;
            for (; d < bound; d += E) {
                ByteVector b0 = ByteVector.fromMemorySegment(B, region, r0 + d, LE);
                ByteVector b1 = ByteVector.fromMemorySegment(B, region, r1 + d, LE);
                FloatVector qv = FloatVector.fromArray(F, q, qOffset + d);
                a0 = Fp8E4m3.toFloats(b0, 0).fma(qv, a0);
                a1 = Fp8E4m3.toFloats(b1, 0).fma(qv, a1);
            }
            float s0 = a0.reduceLanes(VectorOperators.ADD);
            float s1 = a1.reduceLanes(VectorOperators.ADD);
            for (; d < headDim; d++) {
                float qd = q[qOffset + d];
                s0 += qd * Fp8E4m3.decode(region.get(ValueLayout.JAVA_BYTE, r0 + d));
                s1 += qd * Fp8E4m3.decode(region.get(ValueLayout.JAVA_BYTE, r1 + d));
            }
            long sc = kScales + 4L * t;
            scores[scoresOffset + t] = scale * region.get(FLOAT, sc) * s0;
            scores[scoresOffset + t + 1] = scale * region.get(FLOAT, sc + 4) * s1;
        }
        for (; t < numSlots; t++) {
            long r = t * rowBytes;
            FloatVector a = FloatVector.zero(F);
            int d = 0;
            for (; d < bound; d += E) {
                ByteVector b = ByteVector.fromMemorySegment(B, region, r + d, LE);
                a = Fp8E4m3.toFloats(b, 0).fma(FloatVector.fromArray(F, q, qOffset + d), a);
                if (PARTS == 2) {
                    a = Fp8E4m3.toFloats(b, 1).fma(FloatVector.fromArray(F, q, qOffset + d + L), a);
                }
            }
            float s = a.reduceLanes(VectorOperators.ADD);
            for (; d < headDim; d++) {
                s += q[qOffset + d] * Fp8E4m3.decode(region.get(ValueLayout.JAVA_BYTE, r + d));
            }
            scores[scoresOffset + t] = scale * region.get(FLOAT, kScales + 4L * t) * s;
        }
        float running = 0f;
        for (int d = 0; d < headDim; d++) {
            running += q[qOffset + d] * reference(region, d);
        }
        running *= scale;
        for (t = 0; t < numSlots; t++) {
            running += scores[scoresOffset + t];
            scores[scoresOffset + t] = running;
        }
    }

    @Override
    public void accumulateValues(MemorySegment region, int numSlots, float[] weights, int weightsOffset, float[] out,
            int outOffset) {
        assert numSlots >= 0 && numSlots <= blockSize : numSlots;
        assert region.byteSize() >= bytesPerHeadBlock();
        long rowBytes = headDim;
        int bound2 = headDim - headDim % (2 * E);
        int d = 0;
        // Two chunks per pass: two independent FMA chains while the codes decode (not where a chunk feeds two
        // float vectors: four decodings would not all inline).
        for (; PARTS == 1 && d < bound2; d += 2 * E) {
            FloatVector a0 = FloatVector.fromArray(F, out, outOffset + d);
            FloatVector a1 = FloatVector.fromArray(F, out, outOffset + d + E);
            long off = vBase + d;
            for (int t = 0; t < numSlots; t++) {
                FloatVector w = FloatVector.broadcast(F, weights[weightsOffset + t] * region.get(FLOAT, vScales + 4L * t));
                long r = off + t * rowBytes;
                ByteVector b0 = ByteVector.fromMemorySegment(B, region, r, LE);
                ByteVector b1 = ByteVector.fromMemorySegment(B, region, r + E, LE);
                a0 = Fp8E4m3.toFloats(b0, 0).fma(w, a0);
                a1 = Fp8E4m3.toFloats(b1, 0).fma(w, a1);
            }
            a0.intoArray(out, outOffset + d);
            a1.intoArray(out, outOffset + d + E);
        }
        for (; d + E <= headDim; d += E) {
            FloatVector a0 = FloatVector.fromArray(F, out, outOffset + d);
            FloatVector a2 = PARTS == 2 ? FloatVector.fromArray(F, out, outOffset + d + L) : null;
            long off = vBase + d;
            for (int t = 0; t < numSlots; t++) {
                FloatVector w = FloatVector.broadcast(F, weights[weightsOffset + t] * region.get(FLOAT, vScales + 4L * t));
                ByteVector b0 = ByteVector.fromMemorySegment(B, region, off + t * rowBytes, LE);
                a0 = Fp8E4m3.toFloats(b0, 0).fma(w, a0);
                if (PARTS == 2) {
                    a2 = Fp8E4m3.toFloats(b0, 1).fma(w, a2);
                }
            }
            a0.intoArray(out, outOffset + d);
            if (PARTS == 2) {
                a2.intoArray(out, outOffset + d + L);
            }
        }
        for (; d < headDim; d++) {
            float s = out[outOffset + d];
            long off = vBase + d;
            for (int t = 0; t < numSlots; t++) {
                s += weights[weightsOffset + t] * region.get(FLOAT, vScales + 4L * t)
                        * Fp8E4m3.decode(region.get(ValueLayout.JAVA_BYTE, off + t * rowBytes));
            }
            out[outOffset + d] = s;
        }
    }
}
