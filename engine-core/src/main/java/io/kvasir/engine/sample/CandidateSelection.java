package io.kvasir.engine.sample;

/**
 * Partial selection of the highest-ranked tokens of a logits row, without sorting the whole vocabulary.
 *
 * <p>Ranking: a higher logit ranks higher; on equal logits the lower token id ranks higher; NaN counts as
 * {@code -Infinity}. Every method writes candidates as parallel arrays (token ids, logits) and allocates
 * nothing.
 */
final class CandidateSelection {

    private CandidateSelection() {
    }

    /** NaN as -Infinity, so that comparisons stay a total order. */
    static float sanitize(float logit) {
        return logit != logit ? Float.NEGATIVE_INFINITY : logit;
    }

    /** The highest-ranked token id (the lowest id among equal maxima); 0 when every logit is NaN or -Infinity. */
    static int argmax(float[] logits, int offset, int vocabSize) {
        float best = Float.NEGATIVE_INFINITY;
        int bestId = 0;
        for (int i = 0; i < vocabSize; i++) {
            float v = logits[offset + i];
            if (v > best) {
                best = v;
                bestId = i;
            }
        }
        return bestId;
    }

    /** The largest logit, NaN ignored; -Infinity when there is none. */
    static float max(float[] logits, int offset, int count) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < count; i++) {
            float v = logits[offset + i];
            if (v > max) {
                max = v;
            }
        }
        return max;
    }

    /** {@code sum(exp(logit - max))} in double; NaN logits contribute nothing. */
    static double sumExp(float[] logits, int offset, int count, float max) {
        double sum = 0;
        for (int i = 0; i < count; i++) {
            float e = (float) Math.exp(logits[offset + i] - max);
            if (e > 0) {
                sum += e;
            }
        }
        return sum;
    }

    /**
     * Writes the {@code k} highest-ranked tokens, best first, into {@code ids[0..k)} and {@code values[0..k)}.
     * A min-heap of size k holds the best seen so far, so the cost is O(n log k).
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
        for (int i = k; i < vocabSize; i++) {
            float v = logits[offset + i];
            // Every id already in the heap is lower than i, so an equal logit never displaces one.
            if (v > values[0]) {
                values[0] = v;
                ids[0] = i;
                siftDownWorstFirst(ids, values, 0, k);
            }
        }
        for (int end = k - 1; end > 0; end--) {
            swap(ids, values, 0, end);
            siftDownWorstFirst(ids, values, 0, end);
        }
    }

    /**
     * Writes the smallest best-first prefix of the vocabulary whose probability (softmax at temperature 1
     * over the whole vocabulary) reaches {@code topP} into {@code ids} and {@code values}, and returns its
     * length (at least 1). A max-heap over the whole row is built in O(n) and popped only as far as needed.
     */
    static int selectTopP(float[] logits, int offset, int vocabSize, double topP, int[] ids, float[] values) {
        float max = max(logits, offset, vocabSize);
        if (max == Float.NEGATIVE_INFINITY || max == Float.POSITIVE_INFINITY) {
            selectTopK(logits, offset, vocabSize, 1, ids, values);
            return 1;
        }
        double target = topP * sumExp(logits, offset, vocabSize, max);
        for (int i = 0; i < vocabSize; i++) {
            ids[i] = i;
            values[i] = sanitize(logits[offset + i]);
        }
        for (int i = vocabSize / 2 - 1; i >= 0; i--) {
            siftDownBestFirst(ids, values, i, vocabSize);
        }
        int size = vocabSize;
        double cumulative = 0;
        while (size > 0) {
            float bestValue = values[0];
            int bestId = ids[0];
            size--;
            values[0] = values[size];
            ids[0] = ids[size];
            siftDownBestFirst(ids, values, 0, size);
            values[size] = bestValue;
            ids[size] = bestId;
            cumulative += (float) Math.exp(bestValue - max);
            if (cumulative >= target) {
                break;
            }
        }
        int numKept = vocabSize - size;
        // Popped tokens sit at the tail, best last: reverse them and move them to the front.
        for (int lo = size, hi = vocabSize - 1; lo < hi; lo++, hi--) {
            swap(ids, values, lo, hi);
        }
        System.arraycopy(ids, size, ids, 0, numKept);
        System.arraycopy(values, size, values, 0, numKept);
        return numKept;
    }

    /**
     * Keeps the smallest best-first prefix of already sorted candidates whose probability (softmax at
     * temperature 1 over the candidates) reaches {@code topP}; returns its length (at least 1).
     */
    static int truncateSortedTopP(float[] values, int count, double topP) {
        float max = values[0];
        if (max == Float.NEGATIVE_INFINITY || max == Float.POSITIVE_INFINITY) {
            return 1;
        }
        double target = topP * sumExp(values, 0, count, max);
        double cumulative = 0;
        for (int i = 0; i < count; i++) {
            cumulative += (float) Math.exp(values[i] - max);
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
     * Writes the tokens whose logit is at least {@code max + logMinP}, in id order, into {@code ids} and
     * {@code values}; returns how many (at least 1: the maximum itself, or token 0 when nothing is finite).
     */
    static int filterMinP(float[] logits, int offset, int vocabSize, float logMinP, int[] ids, float[] values) {
        float max = max(logits, offset, vocabSize);
        if (max == Float.NEGATIVE_INFINITY) {
            ids[0] = 0;
            values[0] = Float.NEGATIVE_INFINITY;
            return 1;
        }
        float threshold = max + logMinP;
        int count = 0;
        for (int i = 0; i < vocabSize; i++) {
            float v = logits[offset + i];
            if (v >= threshold) {
                ids[count] = i;
                values[count] = v;
                count++;
            }
        }
        return count;
    }

    private static boolean ranksBelow(float va, int ia, float vb, int ib) {
        return va < vb || (va == vb && ia > ib);
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

    /** Sift-down in a heap whose root is the highest-ranked entry. */
    private static void siftDownBestFirst(int[] ids, float[] values, int index, int size) {
        int id = ids[index];
        float v = values[index];
        int i = index;
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) {
                break;
            }
            int right = child + 1;
            if (right < size && ranksBelow(values[child], ids[child], values[right], ids[right])) {
                child = right;
            }
            if (!ranksBelow(v, id, values[child], ids[child])) {
                break;
            }
            ids[i] = ids[child];
            values[i] = values[child];
            i = child;
        }
        ids[i] = id;
        values[i] = v;
    }

    private static void swap(int[] ids, float[] values, int a, int b) {
        int id = ids[a];
        ids[a] = ids[b];
        ids[b] = id;
        float v = values[a];
        values[a] = values[b];
        values[b] = v;
    }
}
