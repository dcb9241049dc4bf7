package io.kvasir.plugins.codec.internal;

import static io.kvasir.plugins.codec.internal.Lanes.B;
import static io.kvasir.plugins.codec.internal.Lanes.E;
import static io.kvasir.plugins.codec.internal.Lanes.F;
import static io.kvasir.plugins.codec.internal.Lanes.FLOAT;
import static io.kvasir.plugins.codec.internal.Lanes.L;
import static io.kvasir.plugins.codec.internal.Lanes.LE;
import static io.kvasir.plugins.codec.internal.Lanes.PARTS;
import static io.kvasir.plugins.codec.internal.Lanes.signedBytes;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import io.kvasir.api.plugin.KvBlockLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Symmetric int8 per token and head: each K and V vector is stored as {@code round(x / s)} in [-127, 127]
 * with its own f32 scale {@code s = absmax / 127}, so the error of every element is at most {@code s / 2}.
 *
 * <p>Region: K codes (slot-major rows of {@code headDim} bytes), V codes, K scales, V scales;
 * {@code 2 × blockSize × (headDim + 4)} bytes.
 *
 * <p>Invariants: codes are in [-127, 127]; scales are finite and {@code >= 0}.
 */
public final class Int8Layout implements KvBlockLayout {

    private static final float MAX_CODE = 127f;

    private final int blockSize;
    private final int headDim;
    private final long vBase;
    private final long kScales;
    private final long vScales;

    public Int8Layout(int blockSize, int headDim) {
        Shapes.check(blockSize, headDim);
        this.blockSize = blockSize;
        this.headDim = headDim;
        this.vBase = (long) blockSize * headDim;
        this.kScales = 2 * vBase;
        this.vScales = kScales + 4L * blockSize;
    }

    @Override
    public long bytesPerHeadBlock() {
        return vScales + 4L * blockSize;
    }

    @Override
    public void write(MemorySegment region, int slot, float[] k, int kOffset, float[] v, int vOffset) {
        assert slot >= 0 && slot < blockSize : slot;
        assert Shapes.allFinite(k, kOffset, headDim) && Shapes.allFinite(v, vOffset, headDim) : "non-finite K or V";
        quantize(region, (long) slot * headDim, kScales + 4L * slot, k, kOffset);
        quantize(region, vBase + (long) slot * headDim, vScales + 4L * slot, v, vOffset);
    }

    private void quantize(MemorySegment region, long row, long scaleAt, float[] x, int offset) {
        float absMax = Shapes.absMax(x, offset, headDim);
        region.set(FLOAT, scaleAt, absMax / MAX_CODE);
        // Dividing by absMax (not multiplying by 127 / absMax) stays finite for subnormal absMax.
        for (int d = 0; d < headDim; d++) {
            int code = absMax == 0f ? 0 : Math.round(x[offset + d] / absMax * MAX_CODE);
            region.set(ValueLayout.JAVA_BYTE, row + d, (byte) code);
        }
    }

    @Override
    public void read(MemorySegment region, int slot, float[] k, int kOffset, float[] v, int vOffset) {
        assert slot >= 0 && slot < blockSize : slot;
        dequantize(region, (long) slot * headDim, region.get(FLOAT, kScales + 4L * slot), k, kOffset);
        dequantize(region, vBase + (long) slot * headDim, region.get(FLOAT, vScales + 4L * slot), v, vOffset);
    }

    private void dequantize(MemorySegment region, long row, float scale, float[] x, int offset) {
        for (int d = 0; d < headDim; d++) {
            x[offset + d] = region.get(ValueLayout.JAVA_BYTE, row + d) * scale;
        }
    }

    @Override
    public void keyScores(MemorySegment region, int numSlots, float[] q, int qOffset, float scale, float[] scores,
            int scoresOffset) {
        assert numSlots >= 0 && numSlots <= blockSize : numSlots;
        assert region.byteSize() >= bytesPerHeadBlock();
        int bound = headDim - headDim % E;
        long rowBytes = headDim;
        int t = 0;
        // Four slots share each q load and give four independent FMA chains. Where a byte chunk feeds two float
        // vectors, eight conversions make the method too large for C2 to inline them all (it would box), so
        // those machines take the one-slot loop.
        for (; PARTS == 1 && t + 4 <= numSlots; t += 4) {
            long r0 = t * rowBytes;
            long r1 = r0 + rowBytes;
            long r2 = r1 + rowBytes;
            long r3 = r2 + rowBytes;
            FloatVector a0 = FloatVector.zero(F);
            FloatVector a1 = FloatVector.zero(F);
            FloatVector a2 = FloatVector.zero(F);
            FloatVector a3 = FloatVector.zero(F);
            int d = 0;
            for (; d < bound; d += E) {
                ByteVector b0 = ByteVector.fromMemorySegment(B, region, r0 + d, LE);
                ByteVector b1 = ByteVector.fromMemorySegment(B, region, r1 + d, LE);
                ByteVector b2 = ByteVector.fromMemorySegment(B, region, r2 + d, LE);
                ByteVector b3 = ByteVector.fromMemorySegment(B, region, r3 + d, LE);
                FloatVector qv = FloatVector.fromArray(F, q, qOffset + d);
                a0 = signedBytes(b0, 0).fma(qv, a0);
                a1 = signedBytes(b1, 0).fma(qv, a1);
                a2 = signedBytes(b2, 0).fma(qv, a2);
                a3 = signedBytes(b3, 0).fma(qv, a3);
            }
            float s0 = a0.reduceLanes(VectorOperators.ADD);
            float s1 = a1.reduceLanes(VectorOperators.ADD);
            float s2 = a2.reduceLanes(VectorOperators.ADD);
            float s3 = a3.reduceLanes(VectorOperators.ADD);
            for (; d < headDim; d++) {
                float qd = q[qOffset + d];
                s0 += qd * region.get(ValueLayout.JAVA_BYTE, r0 + d);
                s1 += qd * region.get(ValueLayout.JAVA_BYTE, r1 + d);
                s2 += qd * region.get(ValueLayout.JAVA_BYTE, r2 + d);
                s3 += qd * region.get(ValueLayout.JAVA_BYTE, r3 + d);
            }
            long sc = kScales + 4L * t;
            scores[scoresOffset + t] = scale * region.get(FLOAT, sc) * s0;
            scores[scoresOffset + t + 1] = scale * region.get(FLOAT, sc + 4) * s1;
            scores[scoresOffset + t + 2] = scale * region.get(FLOAT, sc + 8) * s2;
            scores[scoresOffset + t + 3] = scale * region.get(FLOAT, sc + 12) * s3;
        }
        for (; t < numSlots; t++) {
            long r = t * rowBytes;
            FloatVector a = FloatVector.zero(F);
            int d = 0;
            for (; d < bound; d += E) {
                ByteVector b = ByteVector.fromMemorySegment(B, region, r + d, LE);
                a = signedBytes(b, 0).fma(FloatVector.fromArray(F, q, qOffset + d), a);
                if (PARTS == 2) {
                    a = signedBytes(b, 1).fma(FloatVector.fromArray(F, q, qOffset + d + L), a);
                }
            }
            float s = a.reduceLanes(VectorOperators.ADD);
            for (; d < headDim; d++) {
                s += q[qOffset + d] * region.get(ValueLayout.JAVA_BYTE, r + d);
            }
            scores[scoresOffset + t] = scale * region.get(FLOAT, kScales + 4L * t) * s;
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
        // Two chunks per pass: two (or four) independent FMA chains while the codes convert.
        for (; d < bound2; d += 2 * E) {
            FloatVector a0 = FloatVector.fromArray(F, out, outOffset + d);
            FloatVector a1 = FloatVector.fromArray(F, out, outOffset + d + E);
            FloatVector a2 = PARTS == 2 ? FloatVector.fromArray(F, out, outOffset + d + L) : null;
            FloatVector a3 = PARTS == 2 ? FloatVector.fromArray(F, out, outOffset + d + E + L) : null;
            long off = vBase + d;
            for (int t = 0; t < numSlots; t++) {
                FloatVector w = FloatVector.broadcast(F, weights[weightsOffset + t] * region.get(FLOAT, vScales + 4L * t));
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
            a0.intoArray(out, outOffset + d);
            a1.intoArray(out, outOffset + d + E);
            if (PARTS == 2) {
                a2.intoArray(out, outOffset + d + L);
                a3.intoArray(out, outOffset + d + E + L);
            }
        }
        if (d + E <= headDim) {
            FloatVector a0 = FloatVector.fromArray(F, out, outOffset + d);
            FloatVector a2 = PARTS == 2 ? FloatVector.fromArray(F, out, outOffset + d + L) : null;
            long off = vBase + d;
            for (int t = 0; t < numSlots; t++) {
                FloatVector w = FloatVector.broadcast(F, weights[weightsOffset + t] * region.get(FLOAT, vScales + 4L * t));
                ByteVector b0 = ByteVector.fromMemorySegment(B, region, off + t * rowBytes, LE);
                a0 = signedBytes(b0, 0).fma(w, a0);
                if (PARTS == 2) {
                    a2 = signedBytes(b0, 1).fma(w, a2);
                }
            }
            a0.intoArray(out, outOffset + d);
            if (PARTS == 2) {
                a2.intoArray(out, outOffset + d + L);
            }
            d += E;
        }
        for (; d < headDim; d++) {
            float s = out[outOffset + d];
            long off = vBase + d;
            for (int t = 0; t < numSlots; t++) {
                s += weights[weightsOffset + t] * region.get(FLOAT, vScales + 4L * t)
                        * region.get(ValueLayout.JAVA_BYTE, off + t * rowBytes);
            }
            out[outOffset + d] = s;
        }
    }
}
