package io.kvasir.plugins.eviction.internal;

/** Writing runs of slot indices into a {@code keep} array, and checking one. */
final class SlotRanges {

    private SlotRanges() {
    }

    /** Writes {@code from, from + 1, ..., to - 1} at {@code keep[offset...]}; returns the offset after them. */
    static int append(int[] keep, int offset, int from, int to) {
        int n = offset;
        for (int slot = from; slot < to; slot++) {
            keep[n++] = slot;
        }
        return n;
    }

    /** Whether {@code keep[0, numKept)} is strictly ascending within {@code [0, numSlots)}. */
    static boolean isAscendingWithin(int[] keep, int numKept, int numSlots) {
        int previous = -1;
        for (int i = 0; i < numKept; i++) {
            if (keep[i] <= previous || keep[i] >= numSlots) {
                return false;
            }
            previous = keep[i];
        }
        return true;
    }

    /** Whether {@code positions[0, numSlots)} is strictly ascending. */
    static boolean isAscending(int[] positions, int numSlots) {
        for (int i = 1; i < numSlots; i++) {
            if (positions[i] <= positions[i - 1]) {
                return false;
            }
        }
        return true;
    }
}
