package io.kvasir.plugins.codec.internal;

import static io.kvasir.plugins.codec.internal.Lanes.F;
import static io.kvasir.plugins.codec.internal.Lanes.L;
import static io.kvasir.plugins.codec.internal.Lanes.LE;
import static io.kvasir.plugins.codec.internal.Lanes.S;
import static io.kvasir.plugins.codec.internal.Lanes.SHORT;

import java.lang.foreign.MemorySegment;

import io.kvasir.api.plugin.KvBlockLayout;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

/**
 * IEEE half precision: K rows of all slots, then V rows ({@code 4 × blockSize × headDim} bytes). Values beyond
 * ±65504 are saturated, so a large activation never turns into an infinity (and a NaN in softmax).
 *
 * <p>Invariants: slot {@code t}'s K row starts at {@code t × rowBytes}, its V row at {@code vBase + t × rowBytes};
 * stored halves are finite.
 */
public final class F16Layout implements KvBlockLayout {

    private final int blockSize;
    private final int headDim;
    private final long rowBytes;
    private final long vBase;

    public F16Layout(int blockSize, int headDim) {
        Shapes.check(blockSize, headDim);
        this.blockSize = blockSize;
        this.headDim = headDim;
        this.rowBytes = 2L * headDim;
        this.vBase = blockSize * rowBytes;
    }

    @Override
    public long bytesPerHeadBlock() {
        return 2 * vBase;
    }

    @Override
    public void write(MemorySegment region, MemorySegment staging, int slot, float[] k, int kOffset, float[] v, int vOffset) {
        assert slot >= 0 && slot < blockSize : slot;
        assert Shapes.allFinite(k, kOffset, headDim) && Shapes.allFinite(v, vOffset, headDim) : "non-finite K or V";
        long kRow = slot * rowBytes;
        long vRow = vBase + slot * rowBytes;
        for (int d = 0; d < headDim; d++) {
            region.set(SHORT, kRow + 2L * d, Half.saturate(k[kOffset + d]));
            region.set(SHORT, vRow + 2L * d, Half.saturate(v[vOffset + d]));
        }
    }

    @Override
    public void read(MemorySegment region, MemorySegment staging, int slot, float[] k, int kOffset, float[] v, int vOffset) {
        assert slot >= 0 && slot < blockSize : slot;
        long kRow = slot * rowBytes;
        long vRow = vBase + slot * rowBytes;
        for (int d = 0; d < headDim; d++) {
            k[kOffset + d] = Float.float16ToFloat(region.get(SHORT, kRow + 2L * d));
            v[vOffset + d] = Float.float16ToFloat(region.get(SHORT, vRow + 2L * d));
        }
    }

    private static FloatVector load(MemorySegment region, long offset) {
        return Half.toFloats(ShortVector.fromMemorySegment(S, region, offset, LE));
    }

    private static float half(MemorySegment region, long offset) {
        return Float.float16ToFloat(region.get(SHORT, offset));
    }

    @Override
    public void keyScores(MemorySegment region, MemorySegment staging, int numSlots, float[] q, int qOffset, float scale,
            float[] scores, int scoresOffset) {
        assert numSlots >= 0 && numSlots <= blockSize : numSlots;
        assert region.byteSize() >= bytesPerHeadBlock();
        int bound = F.loopBound(headDim);
        // Two slots share each q load and give two independent FMA chains; the decoding supplies the rest of
        // the parallelism. Four measured no faster, and each decoding inlined brings the method closer to C2's
        // inlining cutoff, past which a decoding stays out of line and boxes its vector. An odd last slot is
        // computed twice in the same pass (its pair is itself), not in a loop of its own: a decoding called only
        // there was seldom run, so C2 left it out of line ("already compiled into a medium method"), boxing 8
        // vectors per odd-sized call.
        for (int t = 0; t < numSlots; t += 2) {
            long r0 = t * rowBytes;
            long r1 = t + 1 < numSlots ? r0 + rowBytes : r0;
            FloatVector a0 = FloatVector.zero(F);
            FloatVector a1 = FloatVector.zero(F);
            int d = 0;
            for (; d < bound; d += L) {
                FloatVector qv = FloatVector.fromArray(F, q, qOffset + d);
                long off = 2L * d;
                a0 = load(region, r0 + off).fma(qv, a0);
                a1 = load(region, r1 + off).fma(qv, a1);
            }
            float s0 = a0.reduceLanes(VectorOperators.ADD);
            float s1 = a1.reduceLanes(VectorOperators.ADD);
            for (; d < headDim; d++) {
                float qd = q[qOffset + d];
                long off = 2L * d;
                s0 += qd * half(region, r0 + off);
                s1 += qd * half(region, r1 + off);
            }
            scores[scoresOffset + t] = scale * s0;
            if (t + 1 < numSlots) {
                scores[scoresOffset + t + 1] = scale * s1;
            }
        }
    }

    @Override
    public void accumulateValues(MemorySegment region, int numSlots, float[] weights, int weightsOffset, float[] out,
            int outOffset) {
        assert numSlots >= 0 && numSlots <= blockSize : numSlots;
        assert region.byteSize() >= bytesPerHeadBlock();
        int bound2 = headDim - headDim % (2 * L);
        int d = 0;
        for (; d < bound2; d += 2 * L) {
            FloatVector a0 = FloatVector.fromArray(F, out, outOffset + d);
            FloatVector a1 = FloatVector.fromArray(F, out, outOffset + d + L);
            long off = vBase + 2L * d;
            for (int t = 0; t < numSlots; t++) {
                FloatVector w = FloatVector.broadcast(F, weights[weightsOffset + t]);
                long r = off + t * rowBytes;
                a0 = load(region, r).fma(w, a0);
                a1 = load(region, r + 2L * L).fma(w, a1);
            }
            a0.intoArray(out, outOffset + d);
            a1.intoArray(out, outOffset + d + L);
        }
        if (d + L <= headDim) {
            FloatVector a = FloatVector.fromArray(F, out, outOffset + d);
            long off = vBase + 2L * d;
            for (int t = 0; t < numSlots; t++) {
                a = load(region, off + t * rowBytes).fma(FloatVector.broadcast(F, weights[weightsOffset + t]), a);
            }
            a.intoArray(out, outOffset + d);
            d += L;
        }
        for (; d < headDim; d++) {
            float s = out[outOffset + d];
            long off = vBase + 2L * d;
            for (int t = 0; t < numSlots; t++) {
                s += weights[weightsOffset + t] * half(region, off + t * rowBytes);
            }
            out[outOffset + d] = s;
        }
    }
}
