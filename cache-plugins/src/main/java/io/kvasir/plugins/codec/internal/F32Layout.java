package io.kvasir.plugins.codec.internal;

import static io.kvasir.plugins.codec.internal.Lanes.F;
import static io.kvasir.plugins.codec.internal.Lanes.FLOAT;
import static io.kvasir.plugins.codec.internal.Lanes.L;
import static io.kvasir.plugins.codec.internal.Lanes.LE;

import java.lang.foreign.MemorySegment;

import io.kvasir.api.plugin.KvBlockLayout;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Plain little-endian floats: K rows of all slots, then V rows ({@code 8 × blockSize × headDim} bytes).
 *
 * <p>Invariants: slot {@code t}'s K row starts at {@code t × rowBytes}, its V row at {@code vBase + t × rowBytes}.
 */
public final class F32Layout implements KvBlockLayout {

    private final int blockSize;
    private final int headDim;
    private final long rowBytes;
    private final long vBase;

    public F32Layout(int blockSize, int headDim) {
        Shapes.check(blockSize, headDim);
        this.blockSize = blockSize;
        this.headDim = headDim;
        this.rowBytes = 4L * headDim;
        this.vBase = blockSize * rowBytes;
    }

    @Override
    public long bytesPerHeadBlock() {
        return 2 * vBase;
    }

    @Override
    public void write(MemorySegment region, MemorySegment staging, int slot, float[] k, int kOffset, float[] v, int vOffset) {
        assert slot >= 0 && slot < blockSize : slot;
        MemorySegment.copy(k, kOffset, region, FLOAT, slot * rowBytes, headDim);
        MemorySegment.copy(v, vOffset, region, FLOAT, vBase + slot * rowBytes, headDim);
    }

    @Override
    public void read(MemorySegment region, MemorySegment staging, int slot, float[] k, int kOffset, float[] v, int vOffset) {
        assert slot >= 0 && slot < blockSize : slot;
        MemorySegment.copy(region, FLOAT, slot * rowBytes, k, kOffset, headDim);
        MemorySegment.copy(region, FLOAT, vBase + slot * rowBytes, v, vOffset, headDim);
    }

    @Override
    public void keyScores(MemorySegment region, MemorySegment staging, int numSlots, float[] q, int qOffset, float scale,
            float[] scores, int scoresOffset) {
        assert numSlots >= 0 && numSlots <= blockSize : numSlots;
        assert region.byteSize() >= bytesPerHeadBlock();
        int bound = F.loopBound(headDim);
        int t = 0;
        // Four slots share each q load and give four independent FMA chains.
        for (; t + 4 <= numSlots; t += 4) {
            long r0 = t * rowBytes;
            long r1 = r0 + rowBytes;
            long r2 = r1 + rowBytes;
            long r3 = r2 + rowBytes;
            FloatVector a0 = FloatVector.zero(F);
            FloatVector a1 = FloatVector.zero(F);
            FloatVector a2 = FloatVector.zero(F);
            FloatVector a3 = FloatVector.zero(F);
            int d = 0;
            for (; d < bound; d += L) {
                FloatVector qv = FloatVector.fromArray(F, q, qOffset + d);
                long off = 4L * d;
                a0 = FloatVector.fromMemorySegment(F, region, r0 + off, LE).fma(qv, a0);
                a1 = FloatVector.fromMemorySegment(F, region, r1 + off, LE).fma(qv, a1);
                a2 = FloatVector.fromMemorySegment(F, region, r2 + off, LE).fma(qv, a2);
                a3 = FloatVector.fromMemorySegment(F, region, r3 + off, LE).fma(qv, a3);
            }
            float s0 = a0.reduceLanes(VectorOperators.ADD);
            float s1 = a1.reduceLanes(VectorOperators.ADD);
            float s2 = a2.reduceLanes(VectorOperators.ADD);
            float s3 = a3.reduceLanes(VectorOperators.ADD);
            for (; d < headDim; d++) {
                float qd = q[qOffset + d];
                long off = 4L * d;
                s0 += qd * region.get(FLOAT, r0 + off);
                s1 += qd * region.get(FLOAT, r1 + off);
                s2 += qd * region.get(FLOAT, r2 + off);
                s3 += qd * region.get(FLOAT, r3 + off);
            }
            scores[scoresOffset + t] = scale * s0;
            scores[scoresOffset + t + 1] = scale * s1;
            scores[scoresOffset + t + 2] = scale * s2;
            scores[scoresOffset + t + 3] = scale * s3;
        }
        for (; t < numSlots; t++) {
            long r = t * rowBytes;
            FloatVector a = FloatVector.zero(F);
            int d = 0;
            for (; d < bound; d += L) {
                a = FloatVector.fromMemorySegment(F, region, r + 4L * d, LE).fma(FloatVector.fromArray(F, q, qOffset + d), a);
            }
            float s = a.reduceLanes(VectorOperators.ADD);
            for (; d < headDim; d++) {
                s += q[qOffset + d] * region.get(FLOAT, r + 4L * d);
            }
            scores[scoresOffset + t] = scale * s;
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
            long off = vBase + 4L * d;
            for (int t = 0; t < numSlots; t++) {
                FloatVector w = FloatVector.broadcast(F, weights[weightsOffset + t]);
                long r = off + t * rowBytes;
                a0 = FloatVector.fromMemorySegment(F, region, r, LE).fma(w, a0);
                a1 = FloatVector.fromMemorySegment(F, region, r + 4L * L, LE).fma(w, a1);
            }
            a0.intoArray(out, outOffset + d);
            a1.intoArray(out, outOffset + d + L);
        }
        if (d + L <= headDim) {
            FloatVector a = FloatVector.fromArray(F, out, outOffset + d);
            long off = vBase + 4L * d;
            for (int t = 0; t < numSlots; t++) {
                a = FloatVector.fromMemorySegment(F, region, off + t * rowBytes, LE)
                        .fma(FloatVector.broadcast(F, weights[weightsOffset + t]), a);
            }
            a.intoArray(out, outOffset + d);
            d += L;
        }
        for (; d < headDim; d++) {
            float s = out[outOffset + d];
            long off = vBase + 4L * d;
            for (int t = 0; t < numSlots; t++) {
                s += weights[weightsOffset + t] * region.get(FLOAT, off + t * rowBytes);
            }
            out[outOffset + d] = s;
        }
    }
}
