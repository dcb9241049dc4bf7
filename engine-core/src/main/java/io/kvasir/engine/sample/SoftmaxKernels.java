package io.kvasir.engine.sample;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector kernels for the passes over a whole logits row (max, argmax, sum of exponentials), each with a
 * scalar reference that the tests compare against.
 *
 * <p>NaN logits count as {@code -Infinity}: they never win a max, and their exponential counts as 0.
 * Exponentials come from the Vector API's {@code EXP} (a few ulps from {@link Math#exp}), so sums agree
 * with the scalar reference to a relative 1e-5, not bit for bit. On one machine every result is
 * deterministic, and each exponential is the same function of its input wherever it sits in the row.
 */
final class SoftmaxKernels {

    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

    /**
     * Exponentials are summed per block of this many entries (a multiple of every species length), so
     * that a draw can skip whole blocks by their sums.
     */
    static final int BLOCK_SIZE = 1024;

    private SoftmaxKernels() {
    }

    /** How many block sums {@link #expInto} writes for a row of {@code count} entries. */
    static int numBlocks(int count) {
        return (count + BLOCK_SIZE - 1) / BLOCK_SIZE;
    }

    /** The largest entry of {@code a[offset .. offset + count)}, NaN ignored; -Infinity when there is none. */
    static float max(float[] a, int offset, int count) {
        int i = 0;
        float max = Float.NEGATIVE_INFINITY;
        int bound = SPECIES.loopBound(count);
        if (bound > 0) {
            FloatVector acc = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY);
            for (; i < bound; i += SPECIES.length()) {
                acc = acc.max(FloatVector.fromArray(SPECIES, a, offset + i));
            }
            max = acc.reduceLanes(VectorOperators.MAX);
        }
        for (; i < count; i++) {
            float v = a[offset + i];
            if (v > max) {
                max = v;
            }
        }
        // Vector max propagates NaN; NaN logits are rare enough to take the scalar path when present.
        return max != max ? maxScalar(a, offset, count) : max;
    }

    static float maxScalar(float[] a, int offset, int count) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < count; i++) {
            float v = a[offset + i];
            if (v > max) {
                max = v;
            }
        }
        return max;
    }

    /** The first position of the largest entry (NaN ignored); 0 when every entry is NaN or -Infinity. */
    static int argmax(float[] a, int offset, int count) {
        float max = max(a, offset, count);
        if (max == Float.NEGATIVE_INFINITY) {
            return 0;
        }
        int i = 0;
        int bound = SPECIES.loopBound(count);
        for (; i < bound; i += SPECIES.length()) {
            VectorMask<Float> hit = FloatVector.fromArray(SPECIES, a, offset + i).compare(VectorOperators.EQ, max);
            if (hit.anyTrue()) {
                return i + hit.firstTrue();
            }
        }
        for (; i < count; i++) {
            if (a[offset + i] == max) {
                return i;
            }
        }
        throw new AssertionError("the maximum " + max + " was not found again");
    }

    static int argmaxScalar(float[] a, int offset, int count) {
        float best = Float.NEGATIVE_INFINITY;
        int bestIndex = 0;
        for (int i = 0; i < count; i++) {
            float v = a[offset + i];
            if (v > best) {
                best = v;
                bestIndex = i;
            }
        }
        return bestIndex;
    }

    /** {@code sum(exp(a[i] - max))} over {@code a[offset .. offset + count)}; {@code max} must be finite. */
    static double sumExp(float[] a, int offset, int count, float max) {
        assert Float.isFinite(max) : "max " + max;
        double sum = 0;
        for (int start = 0; start < count; start += BLOCK_SIZE) {
            sum += expBlock(a, offset, start, Math.min(start + BLOCK_SIZE, count), max, 1f, null);
        }
        return sum;
    }

    /**
     * Sums {@code exp((a[offset + i] - max) * scale)} over {@code i in [start, end)}, NaN as 0, optionally
     * storing each term in {@code weights[i]}. The tail is a masked vector step, so every term is the same
     * function of its input wherever it sits in the row.
     */
    private static double expBlock(float[] a, int offset, int start, int end, float max, float scale,
            float[] weights) {
        FloatVector zero = FloatVector.zero(SPECIES);
        FloatVector acc = zero;
        int i = start;
        int bound = start + SPECIES.loopBound(end - start);
        for (; i < bound; i += SPECIES.length()) {
            FloatVector e = FloatVector.fromArray(SPECIES, a, offset + i).sub(max).mul(scale)
                    .lanewise(VectorOperators.EXP);
            e = zero.blend(e, e.compare(VectorOperators.GT, 0f));
            if (weights != null) {
                e.intoArray(weights, i);
            }
            acc = acc.add(e);
        }
        if (i < end) {
            VectorMask<Float> inRange = SPECIES.indexInRange(i, end);
            FloatVector e = FloatVector.fromArray(SPECIES, a, offset + i, inRange).sub(max).mul(scale)
                    .lanewise(VectorOperators.EXP);
            e = zero.blend(e, e.compare(VectorOperators.GT, 0f).and(inRange));
            if (weights != null) {
                e.intoArray(weights, i, inRange);
            }
            acc = acc.add(e);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    static double sumExpScalar(float[] a, int offset, int count, float max) {
        double sum = 0;
        for (int i = 0; i < count; i++) {
            float e = (float) Math.exp(a[offset + i] - max);
            if (e > 0) {
                sum += e;
            }
        }
        return sum;
    }

    /**
     * Writes {@code w[i] = exp((a[offset + i] - max) * scale)} (0 for NaN) into {@code weights[0 .. count)},
     * the sum of each {@link #BLOCK_SIZE} block into {@code blockSums}, and returns the sum of the block
     * sums, added in order. {@code weights} may be {@code a} itself when {@code offset} is 0.
     *
     * @param max finite, at least every entry
     * @param scale positive (the inverse temperature)
     */
    static double expInto(float[] a, int offset, int count, float max, float scale, float[] weights,
            double[] blockSums) {
        assert Float.isFinite(max) && scale > 0 : "max " + max + ", scale " + scale;
        double total = 0;
        int block = 0;
        for (int start = 0; start < count; start += BLOCK_SIZE) {
            double blockSum = expBlock(a, offset, start, Math.min(start + BLOCK_SIZE, count), max, scale, weights);
            blockSums[block++] = blockSum;
            total += blockSum;
        }
        return total;
    }

    static double expIntoScalar(float[] a, int offset, int count, float max, float scale, float[] weights) {
        double total = 0;
        for (int i = 0; i < count; i++) {
            float e = (float) Math.exp((a[offset + i] - max) * scale);
            if (!(e > 0)) {
                e = 0;
            }
            weights[i] = e;
            total += e;
        }
        return total;
    }

    /**
     * The position whose weight's cumulative range holds {@code target}, from weights and block sums
     * written by {@link #expInto}: whole blocks are skipped by their sums, then one block is scanned.
     * Rounding that leaves the target past every cumulative sum yields the last position with weight.
     *
     * @param target in {@code [0, total)}, where total is what {@code expInto} returned
     */
    static int pick(float[] weights, int count, double[] blockSums, double target) {
        double cumulative = 0;
        int numBlocks = numBlocks(count);
        for (int block = 0; block < numBlocks; block++) {
            double blockSum = blockSums[block];
            if (cumulative + blockSum > target) {
                int end = Math.min((block + 1) * BLOCK_SIZE, count);
                int last = -1;
                for (int i = block * BLOCK_SIZE; i < end; i++) {
                    float w = weights[i];
                    if (w > 0) {
                        cumulative += w;
                        last = i;
                        if (cumulative > target) {
                            return i;
                        }
                    }
                }
                if (last >= 0) {
                    return last;
                }
            }
            cumulative += blockSum;
        }
        for (int i = count - 1; i > 0; i--) {
            if (weights[i] > 0) {
                return i;
            }
        }
        return 0;
    }
}
