package io.kvasir.engine.tokenizer.internal;

import java.util.Arrays;

/**
 * A binary min-heap of candidate merges keyed by a long priority, with three int payloads.
 *
 * <p>Both encoders pack "best first, then leftmost" into the key: {@code priority << 32 | left}. Stale
 * entries are not removed; the encoder checks them when they surface, as llama.cpp does.
 *
 * <p>Invariant: {@code keys[parent(i)] <= keys[i]} for every {@code 0 < i < size}.
 */
public final class BigramHeap {

    private long[] keys = new long[64];
    private int[] rights = new int[64];
    private int[] checksA = new int[64];
    private int[] checksB = new int[64];
    private int size;

    // the entry popped last, read through the accessors below
    private long topKey;
    private int topRight;
    private int topCheckA;
    private int topCheckB;

    public void clear() {
        size = 0;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** Packs a priority (smaller is better) and the left symbol index into a key. */
    public static long key(int priority, int left) {
        assert left >= 0;
        return ((long) priority << 32) | left;
    }

    public void push(long key, int right, int checkA, int checkB) {
        if (size == keys.length) {
            int capacity = size * 2;
            keys = Arrays.copyOf(keys, capacity);
            rights = Arrays.copyOf(rights, capacity);
            checksA = Arrays.copyOf(checksA, capacity);
            checksB = Arrays.copyOf(checksB, capacity);
        }
        int i = size++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (keys[parent] <= key) {
                break;
            }
            move(parent, i);
            i = parent;
        }
        set(i, key, right, checkA, checkB);
    }

    /** Removes the smallest entry; read it with {@link #left()}, {@link #right()} and the checks. */
    public void pop() {
        assert size > 0;
        topKey = keys[0];
        topRight = rights[0];
        topCheckA = checksA[0];
        topCheckB = checksB[0];
        int last = --size;
        if (last == 0) {
            return;
        }
        long key = keys[last];
        int right = rights[last];
        int checkA = checksA[last];
        int checkB = checksB[last];
        int i = 0;
        while (true) {
            int child = 2 * i + 1;
            if (child >= last) {
                break;
            }
            if (child + 1 < last && keys[child + 1] < keys[child]) {
                child++;
            }
            if (keys[child] >= key) {
                break;
            }
            move(child, i);
            i = child;
        }
        set(i, key, right, checkA, checkB);
    }

    public int priority() {
        return (int) (topKey >> 32);
    }

    public int left() {
        return (int) topKey;
    }

    public int right() {
        return topRight;
    }

    public int checkA() {
        return topCheckA;
    }

    public int checkB() {
        return topCheckB;
    }

    private void move(int from, int to) {
        keys[to] = keys[from];
        rights[to] = rights[from];
        checksA[to] = checksA[from];
        checksB[to] = checksB[from];
    }

    private void set(int i, long key, int right, int checkA, int checkB) {
        keys[i] = key;
        rights[i] = right;
        checksA[i] = checkA;
        checksB[i] = checkB;
    }
}
