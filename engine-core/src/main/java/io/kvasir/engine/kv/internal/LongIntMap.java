package io.kvasir.engine.kv.internal;

import java.util.Arrays;

/**
 * A fixed-capacity open-addressing map from {@code long} keys to non-negative {@code int} values, with
 * no boxing and no allocation after construction.
 *
 * <p>Linear probing; removal shifts the following entries of the probe run back instead of leaving
 * tombstones, so lookups never slow down as entries come and go. The table is at least twice
 * {@code maxSize}, which keeps probe runs short.
 *
 * <p>Invariants: an empty slot has value {@link #ABSENT}; every stored entry is reachable from its home
 * slot without crossing an empty slot; {@code size() <= maxSize}. Not thread-safe.
 */
public final class LongIntMap {

    /** The value meaning "no entry". */
    public static final int ABSENT = -1;

    /** The largest {@code maxSize} accepted (the table, four times larger at most, must fit an int array). */
    public static final int MAX_SIZE = 1 << 28;

    private final long[] keys;
    private final int[] values;
    private final int mask;
    private final int maxSize;
    private int size;

    /**
     * @param maxSize the most entries the map will ever hold, at least 1
     */
    public LongIntMap(int maxSize) {
        if (maxSize < 1 || maxSize > MAX_SIZE) {
            throw new IllegalArgumentException("maxSize must be in [1, " + MAX_SIZE + "]: " + maxSize);
        }
        int capacity = Integer.highestOneBit(maxSize) << 2;
        keys = new long[capacity];
        values = new int[capacity];
        Arrays.fill(values, ABSENT);
        mask = capacity - 1;
        this.maxSize = maxSize;
    }

    /** The number of entries. */
    public int size() {
        return size;
    }

    /** The value stored for the key, or {@link #ABSENT}. */
    public int get(long key) {
        for (int slot = home(key); ; slot = (slot + 1) & mask) {
            int value = values[slot];
            if (value == ABSENT) {
                return ABSENT;
            }
            if (keys[slot] == key) {
                return value;
            }
        }
    }

    /**
     * Stores the value unless the key is present.
     *
     * @param value a non-negative value
     * @return the value already stored for the key, or {@link #ABSENT} when this call stored {@code value}
     */
    public int putIfAbsent(long key, int value) {
        if (value < 0) {
            throw new IllegalArgumentException("value must be non-negative: " + value);
        }
        for (int slot = home(key); ; slot = (slot + 1) & mask) {
            int existing = values[slot];
            if (existing == ABSENT) {
                if (size == maxSize) {
                    throw new IllegalStateException("map is full (maxSize " + maxSize + ")");
                }
                keys[slot] = key;
                values[slot] = value;
                size++;
                return ABSENT;
            }
            if (keys[slot] == key) {
                return existing;
            }
        }
    }

    /** Removes the key's entry; returns the value it had, or {@link #ABSENT}. */
    public int remove(long key) {
        int slot = home(key);
        while (true) {
            int value = values[slot];
            if (value == ABSENT) {
                return ABSENT;
            }
            if (keys[slot] == key) {
                closeGap(slot);
                size--;
                return value;
            }
            slot = (slot + 1) & mask;
        }
    }

    // Backward-shift deletion: move later entries of the run into the gap when the gap lies on their
    // probe path (between their home slot and their current slot, cyclically).
    private void closeGap(int gap) {
        int slot = gap;
        while (true) {
            slot = (slot + 1) & mask;
            int value = values[slot];
            if (value == ABSENT) {
                break;
            }
            int home = home(keys[slot]);
            if (((slot - home) & mask) >= ((slot - gap) & mask)) {
                keys[gap] = keys[slot];
                values[gap] = value;
                gap = slot;
            }
        }
        values[gap] = ABSENT;
        keys[gap] = 0L;
    }

    // Keys may come from any hash function, so spread them again (the murmur3 64-bit finaliser).
    private int home(long key) {
        long h = key;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return (int) h & mask;
    }
}
