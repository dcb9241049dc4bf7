package io.kvasir.engine.tokenizer.internal;

import java.util.Arrays;

/**
 * BPE merge ranks keyed by the pair of symbol ids, without boxing: open addressing over packed
 * {@code left << 32 | right} keys.
 *
 * <p>Invariants: the table is at most half full; {@link #EMPTY} (negative, never a valid key because
 * symbol ids are non-negative) marks a free slot; the first rank put for a pair is kept.
 */
public final class MergeTable {

    private static final long EMPTY = Long.MIN_VALUE;

    private final long[] keys;
    private final int[] ranks;
    private final int mask;

    public MergeTable(int maxNumPairs) {
        int capacity = Integer.highestOneBit(Math.max(4, maxNumPairs) * 2 - 1) << 1;
        keys = new long[capacity];
        Arrays.fill(keys, EMPTY);
        ranks = new int[capacity];
        mask = capacity - 1;
    }

    /** Records {@code rank} for the pair unless it already has one. */
    public void putIfAbsent(int left, int right, int rank) {
        long key = pack(left, right);
        int slot = slot(key);
        while (keys[slot] != EMPTY) {
            if (keys[slot] == key) {
                return;
            }
            slot = (slot + 1) & mask;
        }
        keys[slot] = key;
        ranks[slot] = rank;
    }

    /** The rank of merging {@code left} with {@code right}, or -1 when they do not merge. */
    public int rank(int left, int right) {
        long key = pack(left, right);
        for (int slot = slot(key); keys[slot] != EMPTY; slot = (slot + 1) & mask) {
            if (keys[slot] == key) {
                return ranks[slot];
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
