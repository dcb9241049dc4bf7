package io.kvasir.engine.tokenizer.internal;

import java.util.Arrays;

/**
 * A map from a pair of non-negative ints to a non-negative int, without boxing: open addressing over
 * packed {@code left << 32 | right} keys. Holds BPE merge ranks by symbol-id pair, and serves as a set of
 * adjacent code-point pairs for SentencePiece.
 *
 * <p>Invariants: the table is at most half full; {@link #EMPTY} (negative, never a valid key because
 * both halves are non-negative) marks a free slot; the first value put for a pair is kept.
 */
public final class IntPairMap {

    private static final long EMPTY = Long.MIN_VALUE;

    private final long[] keys;
    private final int[] values;
    private final int mask;

    public IntPairMap(int maxNumPairs) {
        int capacity = Integer.highestOneBit(Math.max(4, maxNumPairs) * 2 - 1) << 1;
        keys = new long[capacity];
        Arrays.fill(keys, EMPTY);
        values = new int[capacity];
        mask = capacity - 1;
    }

    /** Records {@code value} for the pair unless it already has one. */
    public void putIfAbsent(int left, int right, int value) {
        assert value >= 0;
        long key = pack(left, right);
        int slot = slot(key);
        while (keys[slot] != EMPTY) {
            if (keys[slot] == key) {
                return;
            }
            slot = (slot + 1) & mask;
        }
        keys[slot] = key;
        values[slot] = value;
    }

    /** The value of the pair, or -1 when it has none. */
    public int get(int left, int right) {
        long key = pack(left, right);
        for (int slot = slot(key); keys[slot] != EMPTY; slot = (slot + 1) & mask) {
            if (keys[slot] == key) {
                return values[slot];
            }
        }
        return -1;
    }

    private static long pack(int left, int right) {
        assert left >= 0 && right >= 0;
        return ((long) left << 32) | right;
    }

    private int slot(long key) {
        long h = key;
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        h ^= h >>> 33;
        return (int) h & mask;
    }
}
