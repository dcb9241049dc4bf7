package io.kvasir.engine.sample;

import java.util.Arrays;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Selection of the highest-ranked tokens of a logits row without sorting the whole vocabulary.
 *
 * <p>Ranking: a higher logit ranks higher; on equal logits the lower token id ranks higher; NaN counts as
 * {@code -Infinity}. This is a total order, so every selection is deterministic. Every method writes
 * candidates as parallel arrays (token ids, logits) and allocates nothing.
 */
final class CandidateSelection {

    private static final VectorSpecies<Float> SPECIES = SoftmaxKernels.SPECIES;

    /** Ranges this short are finished by insertion sort. */
    private static final int MAX_NUM_TO_INSERTION_SORT = 16;
    /** Top-p survivors beyond this many are first narrowed down by a histogram of their mass. */
    private static final int MAX_NUM_TO_QUICKSELECT = 2048;
    /** Buckets of the top-p histogram, equal widths in logit between the cutoff and the maximum. */
    static final int NUM_TOP_P_BUCKETS = 2048;

    private CandidateSelection() {
    }

    /** NaN as -Infinity, so that comparisons stay a total order. */
    static float sanitize(float logit) {
        return logit != logit ? Float.NEGATIVE_INFINITY : logit;
    }

    /**
     * Writes the {@code k} highest-ranked tokens, best first, into {@code ids[0..k)} and {@code values[0..k)}.
     * A min-heap of size k holds the best seen so far; a vector compare against its worst entry skips
     * most of the row, so the cost is O(n) plus O(log k) per token that enters the heap.
     *
     * @param k between 1 and {@code vocabSize}
     */
    static void selectTopK(float[] logits, int offset, int vocabSize, int k, int[] ids, float[] values) {
        assert k >= 1 && k <= vocabSize : "k " + k + " outside [1, " + vocabSize + "]";
        for (int i = 0; i < k; i++) {
            ids[i] = i;
            values[i] = sanitize(logits[offset + i]);
        }
        for (int i = k / 2 - 1; i >= 0; i--) {
            siftDownWorstFirst(ids, values, i, k);
        }
        // Every id already in the heap is lower than the next one, so an equal logit never displaces one.
        int lanes = SPECIES.length();
        int i = k;
        for (; i + lanes <= vocabSize; i += lanes) {
            if (FloatVector.fromArray(SPECIES, logits, offset + i).compare(VectorOperators.GT, values[0]).anyTrue()) {
                for (int j = i; j < i + lanes; j++) {
                    offerToTopK(logits[offset + j], j, ids, values, k);
                }
            }
        }
        for (; i < vocabSize; i++) {
            offerToTopK(logits[offset + i], i, ids, values, k);
        }
        for (int end = k - 1; end > 0; end--) {
            swap(ids, values, null, 0, end);
            siftDownWorstFirst(ids, values, 0, end);
        }
    }

    private static void offerToTopK(float v, int id, int[] ids, float[] values, int k) {
        if (v > values[0]) {
            values[0] = v;
            ids[0] = id;
            siftDownWorstFirst(ids, values, 0, k);
        }
    }

    /**
     * Writes the nucleus, in id order, into {@code ids} and {@code values} and returns its size (at least
     * 1): the smallest set of highest-ranked tokens whose probability (softmax at temperature 1 over the
     * whole vocabulary) reaches {@code topP}.
     *
     * <p>Three steps keep this linear in the vocabulary, however flat the distribution:
     * <ol>
     *   <li>A token of weight {@code w} has at most {@code n * w} of the mass at or below it, so when
     *       {@code w <= (1 - topP) * total / n} the tokens ranked above it already hold {@code topP}: one
     *       vector pass drops all of those.</li>
     *   <li>When many survive, a histogram of their mass over equal-width logit buckets shows the bucket
     *       where the cumulative mass crosses {@code topP}: tokens in higher buckets are in, lower ones out.</li>
     *   <li>Within that bucket, a quickselect on mass (partition around a pivot, keep the side where the
     *       cumulative mass crosses) finds the lowest-ranked token of the nucleus; a last vector pass
     *       collects every token ranked at or above it.</li>
     * </ol>
     *
     * @param weights scratch of at least {@code vocabSize} entries
     * @param blockSums scratch of at least {@code SoftmaxKernels.numBlocks(vocabSize)} entries
     * @param bucketMass scratch of {@link #NUM_TOP_P_BUCKETS} entries
     */
    static int selectTopP(float[] logits, int offset, int vocabSize, double topP, int[] ids, float[] values,
            float[] weights, double[] blockSums, double[] bucketMass) {
        float max = SoftmaxKernels.max(logits, offset, vocabSize);
        if (max == Float.NEGATIVE_INFINITY || max == Float.POSITIVE_INFINITY) {
            selectTopK(logits, offset, vocabSize, 1, ids, values);
            return 1;
        }
        double total = SoftmaxKernels.sumExp(logits, offset, vocabSize, max);
        // The margin keeps float rounding of the cutoff from dropping a token that belongs in the nucleus.
        float margin = 0.01f + Math.abs(max) * 1e-6f;
        float cutoff = max + (float) Math.log((1 - topP) * total / vocabSize) - margin;
        int numSurvivors = collectAbove(logits, offset, vocabSize, cutoff, ids, values);
        SoftmaxKernels.expInto(values, 0, numSurvivors, max, 1f, weights, blockSums);
        double needed = topP * total;
        int numToSelect = numSurvivors;
        if (numSurvivors > MAX_NUM_TO_QUICKSELECT) {
            float bucketScale = NUM_TOP_P_BUCKETS / (max - cutoff);
            Arrays.fill(bucketMass, 0);
            for (int i = 0; i < numSurvivors; i++) {
                bucketMass[bucketOf(values[i], max, bucketScale)] += weights[i];
            }
            double massAbove = 0;
            int crossing = -1;
            boolean crossed = false;
            for (int b = 0; b < NUM_TOP_P_BUCKETS && !crossed; b++) {
                double mass = bucketMass[b];
                if (mass > 0) {
                    crossing = b;
                    crossed = massAbove + mass >= needed;
                    if (!crossed) {
                        massAbove += mass;
                    }
                }
            }
            if (!crossed) {
                // Rounding left the survivors just short: all are in, and the last bucket's selection says so.
                massAbove -= bucketMass[crossing];
            }
            numToSelect = 0;
            for (int i = 0; i < numSurvivors; i++) {
                if (bucketOf(values[i], max, bucketScale) == crossing) {
                    swap(ids, values, weights, numToSelect++, i);
                }
            }
            needed -= massAbove;
        }
        int last = lowestRankedOfNucleus(ids, values, weights, numToSelect, needed);
        return collectAtOrAbove(logits, offset, vocabSize, values[last], ids[last], ids, values);
    }

    /** Bucket 0 holds the maximum; a lower logit never lands in a lower bucket. */
    private static int bucketOf(float value, float max, float bucketScale) {
        return Math.min(NUM_TOP_P_BUCKETS - 1, (int) ((max - value) * bucketScale));
    }

    /**
     * Quickselect on mass: the position (after reordering) of the lowest-ranked candidate such that it and
     * every candidate ranked above it hold at least {@code target}; the lowest-ranked candidate of all
     * when rounding leaves the whole set short of it.
     */
    private static int lowestRankedOfNucleus(int[] ids, float[] values, float[] weights, int count, double target) {
        double needed = target;
        int lo = 0;
        int hi = count;
        while (hi - lo > MAX_NUM_TO_INSERTION_SORT) {
            int pivot = medianOfThree(ids, values, lo, (lo + hi) >>> 1, hi - 1);
            swap(ids, values, weights, lo, pivot);
            float pivotValue = values[lo];
            int pivotId = ids[lo];
            int nextAbove = lo + 1;
            double massAbove = 0;
            for (int j = lo + 1; j < hi; j++) {
                if (ranksBelow(pivotValue, pivotId, values[j], ids[j])) {
                    swap(ids, values, weights, nextAbove, j);
                    massAbove += weights[nextAbove];
                    nextAbove++;
                }
            }
            int pivotAt = nextAbove - 1;
            swap(ids, values, weights, lo, pivotAt);
            if (massAbove >= needed) {
                hi = pivotAt;
            } else if (massAbove + weights[pivotAt] >= needed || pivotAt + 1 == hi) {
                return pivotAt;
            } else {
                needed -= massAbove + weights[pivotAt];
                lo = pivotAt + 1;
            }
        }
        assert lo < hi : "empty range " + lo;
        insertionSortBestFirst(ids, values, weights, lo, hi);
        double cumulative = 0;
        for (int i = lo; i < hi; i++) {
            cumulative += weights[i];
            if (cumulative >= needed) {
                return i;
            }
        }
        return hi - 1;
    }

    /**
     * Keeps the smallest best-first prefix of already sorted candidates whose probability (softmax at
     * temperature 1 over the candidates) reaches {@code topP}; returns its length (at least 1).
     */
    static int truncateSortedTopP(float[] values, int count, double topP, float[] weights, double[] blockSums) {
        float max = values[0];
        if (max == Float.NEGATIVE_INFINITY || max == Float.POSITIVE_INFINITY) {
            return 1;
        }
        double target = topP * SoftmaxKernels.expInto(values, 0, count, max, 1f, weights, blockSums);
        double cumulative = 0;
        for (int i = 0; i < count; i++) {
            cumulative += weights[i];
            if (cumulative >= target) {
                return i + 1;
            }
        }
        return count;
    }

    /** Keeps the best-first prefix of sorted candidates whose logit is at least {@code values[0] + logMinP}. */
    static int truncateSortedMinP(float[] values, int count, float logMinP) {
        float threshold = values[0] + logMinP;
        for (int i = 1; i < count; i++) {
            if (!(values[i] >= threshold)) {
                return i;
            }
        }
        return count;
    }

    /**
     * Keeps, in place and in order, the candidates whose logit is at least {@code max + logMinP}, where max
     * is the largest candidate logit; returns how many (at least 1).
     */
    static int retainMinP(int[] ids, float[] values, int count, float logMinP) {
        float max = SoftmaxKernels.max(values, 0, count);
        if (max == Float.NEGATIVE_INFINITY) {
            return 1;
        }
        float threshold = max + logMinP;
        int kept = 0;
        for (int i = 0; i < count; i++) {
            if (values[i] >= threshold) {
                ids[kept] = ids[i];
                values[kept] = values[i];
                kept++;
            }
        }
        return kept;
    }

    /**
     * Writes the tokens whose logit is at least {@code max + logMinP}, in id order, into {@code ids} and
     * {@code values}; returns how many (at least 1: the maximum itself, or token 0 when nothing is finite).
     */
    static int filterMinP(float[] logits, int offset, int vocabSize, float logMinP, int[] ids, float[] values) {
        float max = SoftmaxKernels.max(logits, offset, vocabSize);
        if (max == Float.NEGATIVE_INFINITY) {
            ids[0] = 0;
            values[0] = Float.NEGATIVE_INFINITY;
            return 1;
        }
        // Just below the threshold, so that "above" keeps the tokens exactly at it.
        return collectAbove(logits, offset, vocabSize, Math.nextDown(max + logMinP), ids, values);
    }

    /** Writes the tokens whose logit is above {@code cutoff} (NaN never is), in id order; returns how many. */
    private static int collectAbove(float[] logits, int offset, int vocabSize, float cutoff, int[] ids,
            float[] values) {
        int count = 0;
        int lanes = SPECIES.length();
        int i = 0;
        for (; i + lanes <= vocabSize; i += lanes) {
            if (FloatVector.fromArray(SPECIES, logits, offset + i).compare(VectorOperators.GT, cutoff).anyTrue()) {
                for (int j = i; j < i + lanes; j++) {
                    float v = logits[offset + j];
                    if (v > cutoff) {
                        ids[count] = j;
                        values[count] = v;
                        count++;
                    }
                }
            }
        }
        for (; i < vocabSize; i++) {
            float v = logits[offset + i];
            if (v > cutoff) {
                ids[count] = i;
                values[count] = v;
                count++;
            }
        }
        return count;
    }

    /** Writes the tokens ranked at or above ({@code lastValue}, {@code lastId}), in id order; returns how many. */
    private static int collectAtOrAbove(float[] logits, int offset, int vocabSize, float lastValue, int lastId,
            int[] ids, float[] values) {
        int count = 0;
        int lanes = SPECIES.length();
        int i = 0;
        for (; i + lanes <= vocabSize; i += lanes) {
            if (FloatVector.fromArray(SPECIES, logits, offset + i).compare(VectorOperators.GE, lastValue).anyTrue()) {
                for (int j = i; j < i + lanes; j++) {
                    float v = logits[offset + j];
                    if (!ranksBelow(v, j, lastValue, lastId)) {
                        ids[count] = j;
                        values[count] = v;
                        count++;
                    }
                }
            }
        }
        for (; i < vocabSize; i++) {
            float v = logits[offset + i];
            if (!ranksBelow(v, i, lastValue, lastId)) {
                ids[count] = i;
                values[count] = v;
                count++;
            }
        }
        return count;
    }

    /** Whether (va, ia) ranks below (vb, ib); NaN ranks below everything but NaN. */
    private static boolean ranksBelow(float va, int ia, float vb, int ib) {
        float a = sanitize(va);
        float b = sanitize(vb);
        return a < b || (a == b && ia > ib);
    }

    private static int medianOfThree(int[] ids, float[] values, int a, int b, int c) {
        if (ranksBelow(values[a], ids[a], values[b], ids[b])) {
            if (ranksBelow(values[b], ids[b], values[c], ids[c])) {
                return b;
            }
            return ranksBelow(values[a], ids[a], values[c], ids[c]) ? c : a;
        }
        if (ranksBelow(values[a], ids[a], values[c], ids[c])) {
            return a;
        }
        return ranksBelow(values[b], ids[b], values[c], ids[c]) ? c : b;
    }

    private static void insertionSortBestFirst(int[] ids, float[] values, float[] weights, int from, int to) {
        for (int i = from + 1; i < to; i++) {
            for (int j = i; j > from && ranksBelow(values[j - 1], ids[j - 1], values[j], ids[j]); j--) {
                swap(ids, values, weights, j - 1, j);
            }
        }
    }

    /** Sift-down in a heap whose root is the lowest-ranked entry. */
    private static void siftDownWorstFirst(int[] ids, float[] values, int index, int size) {
        int id = ids[index];
        float v = values[index];
        int i = index;
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) {
                break;
            }
            int right = child + 1;
            if (right < size && ranksBelow(values[right], ids[right], values[child], ids[child])) {
                child = right;
            }
            if (!ranksBelow(values[child], ids[child], v, id)) {
                break;
            }
            ids[i] = ids[child];
            values[i] = values[child];
            i = child;
        }
        ids[i] = id;
        values[i] = v;
    }

    private static void swap(int[] ids, float[] values, float[] weights, int a, int b) {
        int id = ids[a];
        ids[a] = ids[b];
        ids[b] = id;
        float v = values[a];
        values[a] = values[b];
        values[b] = v;
        if (weights != null) {
            float w = weights[a];
            weights[a] = weights[b];
            weights[b] = w;
        }
    }
}
