package io.kvasir.engine.tokenizer.internal;

import java.util.Arrays;

/** A growable list of ints without boxing; one per encode call, reused across the call's fragments. */
public final class IntList {

    private int[] values;
    private int size;

    public IntList(int initialCapacity) {
        values = new int[Math.max(4, initialCapacity)];
    }

    public void add(int value) {
        if (size == values.length) {
            values = Arrays.copyOf(values, values.length * 2);
        }
        values[size++] = value;
    }

    public int get(int index) {
        assert index >= 0 && index < size : index;
        return values[index];
    }

    public int size() {
        return size;
    }

    public void clear() {
        size = 0;
    }

    public int[] toArray() {
        return Arrays.copyOf(values, size);
    }
}
