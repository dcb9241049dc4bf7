package io.kvasir.plugins.prefix.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * An open-addressing map from {@code long} keys to objects, so looking a salt up on the engine loop does
 * not box it. Linear probing with backward-shift deletion, like {@link LongIntMap}.
 *
 * <p>Invariants: a null value marks an empty slot; {@code size <= capacity / 2}. Allocates only when it
 * grows.
 *
 * @param <V> the value type
 */
public final class LongObjectMap<V> {

    private static final int MIN_CAPACITY = 8;

    private long[] keys;
    private Object[] values;
    private int mask;
    private int shift;
    private int size;

    public LongObjectMap() {
        allocate(MIN_CAPACITY);
    }

    /** Entries in the map. */
    public int size() {
        return size;
    }

    /** The value stored for {@code key}, or null. */
    @SuppressWarnings("unchecked")
    public V get(long key) {
        for (int i = home(key); ; i = (i + 1) & mask) {
            Object value = values[i];
            if (value == null || keys[i] == key) {
                return (V) value;
            }
        }
    }

    /** Maps {@code key} to {@code value} (not null), replacing any previous value. */
    public void put(long key, V value) {
        if (value == null) {
            throw new IllegalArgumentException("value must not be null");
        }
        if (2 * (size + 1) > values.length) {
            grow();
        }
        int i = home(key);
        while (values[i] != null && keys[i] != key) {
            i = (i + 1) & mask;
        }
        if (values[i] == null) {
            size++;
        }
        keys[i] = key;
        values[i] = value;
    }

    /** Removes {@code key}; returns whether it was there. */
    public boolean remove(long key) {
        int i = home(key);
        while (values[i] != null && keys[i] != key) {
            i = (i + 1) & mask;
        }
        if (values[i] == null) {
            return false;
        }
        size--;
        int hole = i;
        for (int j = (hole + 1) & mask; values[j] != null; j = (j + 1) & mask) {
            if (((j - home(keys[j])) & mask) >= ((j - hole) & mask)) {
                keys[hole] = keys[j];
                values[hole] = values[j];
                hole = j;
            }
        }
        values[hole] = null;
        return true;
    }

    /** A copy of the values, in no particular order (for checks and diagnostics, not the hot path). */
    @SuppressWarnings("unchecked")
    public List<V> values() {
        List<V> out = new ArrayList<>(size);
        for (Object value : values) {
            if (value != null) {
                out.add((V) value);
            }
        }
        return out;
    }

    private int home(long key) {
        return (int) ((key * 0x9e3779b97f4a7c15L) >>> shift);
    }

    private void allocate(int capacity) {
        keys = new long[capacity];
        values = new Object[capacity];
        mask = capacity - 1;
        shift = 64 - Integer.numberOfTrailingZeros(capacity);
    }

    @SuppressWarnings("unchecked")
    private void grow() {
        long[] oldKeys = keys;
        Object[] oldValues = values;
        allocate(oldValues.length * 2);
        size = 0;
        for (int i = 0; i < oldValues.length; i++) {
            if (oldValues[i] != null) {
                put(oldKeys[i], (V) oldValues[i]);
            }
        }
    }
}
