package io.kvasir.plugins.prefix.internal;

import java.util.Arrays;

/**
 * An open-addressing map from {@code long} keys to non-negative {@code int} values, so lookups on the
 * engine loop neither box nor allocate. Linear probing; deletion shifts later entries back instead of
 * leaving tombstones, so probe sequences never grow with churn.
 *
 * <p>Invariants:
 * <ul>
 *   <li>{@code values[i] == ABSENT} marks an empty slot; stored values are {@code >= 0};</li>
 *   <li>every entry sits in the probe run that starts at its home slot, with no empty slot in between;</li>
 *   <li>{@code size <= capacity / 2}.</li>
 * </ul>
 * Allocates only when it grows.
 */
public final class LongIntMap {

    /** What {@link #get} returns for a missing key. */
    public static final int ABSENT = -1;

    private static final int MIN_CAPACITY = 16;

    private long[] keys;
    private int[] values;
    private int mask;
    private int shift;
    private int size;

    public LongIntMap() {
        allocate(MIN_CAPACITY);
    }

    /** Entries in the map. */
    public int size() {
        return size;
    }

    /** The value stored for {@code key}, or {@link #ABSENT}. */
    public int get(long key) {
        for (int i = home(key); ; i = (i + 1) & mask) {
            int value = values[i];
            if (value == ABSENT || keys[i] == key) {
                return value;
            }
        }
    }

    /**
     * Maps {@code key} to {@code value}, replacing any previous value.
     *
     * @param value at least 0
     */
    public void put(long key, int value) {
        if (value < 0) {
            throw new IllegalArgumentException("value must be >= 0, got " + value);
        }
        if (2 * (size + 1) > values.length) {
            grow();
        }
        int i = home(key);
        while (values[i] != ABSENT && keys[i] != key) {
            i = (i + 1) & mask;
        }
        if (values[i] == ABSENT) {
            size++;
        }
        keys[i] = key;
        values[i] = value;
    }

    /** Removes {@code key}; returns the value it had, or {@link #ABSENT}. */
    public int remove(long key) {
        int i = home(key);
        while (values[i] != ABSENT && keys[i] != key) {
            i = (i + 1) & mask;
        }
        int removed = values[i];
        if (removed == ABSENT) {
            return ABSENT;
        }
        size--;
        // Backward shift: pull each later entry of the run into the hole unless its home lies after the hole.
        int hole = i;
        for (int j = (hole + 1) & mask; values[j] != ABSENT; j = (j + 1) & mask) {
            int distanceFromHome = (j - home(keys[j])) & mask;
            int distanceFromHole = (j - hole) & mask;
            if (distanceFromHome >= distanceFromHole) {
                keys[hole] = keys[j];
                values[hole] = values[j];
                hole = j;
            }
        }
        values[hole] = ABSENT;
        return removed;
    }

    private int home(long key) {
        // Fibonacci hashing: the high bits of the product depend on every key bit, salts 0, 1, 2 included.
        return (int) ((key * 0x9e3779b97f4a7c15L) >>> shift);
    }

    private void allocate(int capacity) {
        keys = new long[capacity];
        values = new int[capacity];
        Arrays.fill(values, ABSENT);
        mask = capacity - 1;
        shift = 64 - Integer.numberOfTrailingZeros(capacity);
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldValues = values;
        allocate(oldValues.length * 2);
        size = 0;
        for (int i = 0; i < oldValues.length; i++) {
            if (oldValues[i] != ABSENT) {
                put(oldKeys[i], oldValues[i]);
            }
        }
    }
}
