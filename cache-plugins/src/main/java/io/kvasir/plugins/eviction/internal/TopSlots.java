package io.kvasir.plugins.eviction.internal;

/**
 * Picks the slots with the highest scores by partial selection (introselect over primitive keys), without
 * sorting and without allocating once its scratch has grown to the largest cache seen.
 *
 * <p>Each slot becomes one {@code long}: the score's bits, reordered so that signed integer order is
 * {@link Float#compare} order, above the slot index. Keys are therefore distinct, equal scores rank the more
 * recent (higher) slot first, and the chosen set is fully determined by the scores.
 *
 * <p>Invariants:
 * <ul>
 *   <li>every entry of {@code marks} is false between calls</li>
 *   <li>{@code keys.length == marks.length}</li>
 * </ul>
 * Not thread-safe: one instance per policy, used from the engine loop thread.
 */
public final class TopSlots {

    private static final int INITIAL_CAPACITY = 256;

    private long[] keys = new long[INITIAL_CAPACITY];
    private boolean[] marks = new boolean[INITIAL_CAPACITY];

    /**
     * Writes the {@code k} slots of {@code [0, numCandidates)} with the highest {@code scores} (ties to the
     * more recent slot) to {@code keep[offset...]} in ascending order.
     *
     * @return the offset after the written slots
     */
    public int appendTop(float[] scores, int numCandidates, int k, int[] keep, int offset) {
        assert k >= 0 && numCandidates >= 0;
        if (k >= numCandidates) {
            return SlotRanges.append(keep, offset, 0, numCandidates);
        }
        if (k == 0) {
            return offset;
        }
        ensureCapacity(numCandidates);
        long[] keys = this.keys;
        for (int slot = 0; slot < numCandidates; slot++) {
            keys[slot] = key(scores[slot], slot);
        }
        selectLargest(keys, numCandidates, k);
        boolean[] marks = this.marks;
        for (int i = numCandidates - k; i < numCandidates; i++) {
            marks[(int) keys[i]] = true;
        }
        int n = offset;
        for (int slot = 0; slot < numCandidates; slot++) {
            if (marks[slot]) {
                marks[slot] = false;
                keep[n++] = slot;
            }
        }
        assert n - offset == k;
        return n;
    }

    /** A key whose signed order is (score by {@link Float#compare}, then slot). */
    static long key(float score, int slot) {
        int bits = Float.floatToIntBits(score);
        // Negative floats order backwards as integers; flipping their magnitude bits puts them in order.
        bits ^= (bits >> 31) & 0x7fffffff;
        return ((long) bits << 32) | slot;
    }

    /** Reorders {@code a[0, n)} so that its {@code k} largest values lie in {@code a[n - k, n)}; values are distinct. */
    static void selectLargest(long[] a, int n, int k) {
        int target = n - k;
        int lo = 0;
        int hi = n - 1;
        // Median-of-three quickselect is linear on any realistic input; the depth limit bounds a crafted one.
        int numRoundsLeft = 2 * (32 - Integer.numberOfLeadingZeros(n)) + 4;
        while (lo < hi) {
            if (numRoundsLeft-- == 0) {
                heapSort(a, lo, hi + 1);
                return;
            }
            long pivot = medianOfThree(a[lo], a[(lo + hi) >>> 1], a[hi]);
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (a[i] < pivot) {
                    i++;
                }
                while (a[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    long t = a[i];
                    a[i] = a[j];
                    a[j] = t;
                    i++;
                    j--;
                }
            }
            // Now a[lo..j] <= pivot <= a[i..hi], and anything strictly between j and i equals the pivot.
            if (target <= j) {
                hi = j;
            } else if (target >= i) {
                lo = i;
            } else {
                return;
            }
        }
    }

    private static long medianOfThree(long a, long b, long c) {
        return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    }

    private static void heapSort(long[] a, int from, int to) {
        int n = to - from;
        for (int root = n / 2 - 1; root >= 0; root--) {
            siftDown(a, from, root, n);
        }
        for (int end = n - 1; end > 0; end--) {
            long t = a[from];
            a[from] = a[from + end];
            a[from + end] = t;
            siftDown(a, from, 0, end);
        }
    }

    private static void siftDown(long[] a, int from, int root, int n) {
        long value = a[from + root];
        int parent = root;
        while (true) {
            int child = 2 * parent + 1;
            if (child >= n) {
                break;
            }
            if (child + 1 < n && a[from + child + 1] > a[from + child]) {
                child++;
            }
            if (a[from + child] <= value) {
                break;
            }
            a[from + parent] = a[from + child];
            parent = child;
        }
        a[from + parent] = value;
    }

    private void ensureCapacity(int n) {
        if (keys.length < n) {
            int capacity = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(n, 2L * keys.length));
            keys = new long[capacity];
            marks = new boolean[capacity];
        }
    }
}
