package io.kvasir.engine.loop;

import java.util.Arrays;

/**
 * The {@link io.kvasir.api.plugin.EvictionPolicy.AttentionStats#RECENT_WINDOW} statistic of one sequence: the
 * attention each of its last {@code window} computed tokens (queries) gave each cache slot, one row per query in a
 * ring, and their sum per slot, which is what the policy is shown. A new query's row replaces the oldest once the
 * ring is full, so the sum always covers exactly the last {@code window} queries.
 *
 * <p>The sum is kept incrementally (the new row added, the expired one subtracted) and recomputed from the rows at
 * each {@link #compact}, so float rounding builds up over one eviction chunk at most.
 *
 * <p>Invariants:
 * <ul>
 *   <li>{@code 0 <= numRows <= window}; the rows in use are the last {@code numRows} queries, the oldest at
 *   {@code (next - numRows) mod window}</li>
 *   <li>every row in use holds the query's attention for slots {@code [0, numSlots)} of the cache as it is now
 *   (columns move with the slots at compaction) and zero past them</li>
 *   <li>{@code sums[s]} is the sum of the rows in use at slot {@code s}, up to rounding, for the slots cached</li>
 * </ul>
 * Memory: up to {@code window} rows of the largest slot count seen, each allocated when the window first reaches
 * it and grown with the sequence's cache, never per step in a steady state. Owned by the engine loop thread.
 */
final class RecentQueryAttention {

    private static final int INITIAL_CAPACITY = 64;

    private final int window;
    private final float[][] rows;
    private int capacity;
    private int numRows;
    private int next;

    /** @param window the queries the statistic covers, at least 1 */
    RecentQueryAttention(int window) {
        if (window < 1) {
            throw new IllegalArgumentException("window must be >= 1, got " + window);
        }
        this.window = window;
        this.rows = new float[window][];
    }

    /** Queries in the window now, at most {@code window}. */
    int numQueries() {
        return numRows;
    }

    /**
     * Forgets every query: the sequence has no cached slots any more (it is computed again from its start).
     * Rows that were used are zeroed, so they stay zero past the slots of the queries that will fill them.
     */
    void clear() {
        for (int i = 0; i < numRows; i++) {
            Arrays.fill(rows[ringIndex(i)], 0f);
        }
        numRows = 0;
        next = 0;
    }

    /**
     * Adds the row of a query just computed: the attention it gave slots {@code [0, numSlots)} (row
     * {@code statsRow} of the step's statistics), dropping the oldest query when the window is full, and updates
     * {@code sums[0, numSlots)}.
     */
    void push(AttentionRows stats, int statsRow, int numSlots, float[] sums) {
        ensureCapacity(numSlots);
        if (rows[next] == null) {
            rows[next] = new float[capacity];
        }
        float[] row = rows[next];
        if (numRows == window) {
            for (int s = 0; s < numSlots; s++) {
                sums[s] -= row[s];
            }
            Arrays.fill(row, 0, numSlots, 0f);
        } else {
            numRows++;
        }
        stats.addTo(statsRow, numSlots, row);
        for (int s = 0; s < numSlots; s++) {
            sums[s] += row[s];
        }
        next = next + 1 == window ? 0 : next + 1;
    }

    /**
     * Moves the kept slots' columns to the front of every row, as the cache moved their K and V, zeroes the
     * columns past them, and recomputes {@code sums[0, numKept)} from the rows (oldest query first).
     *
     * @param keep the kept slot indices, ascending
     */
    void compact(int[] keep, int numKept, int numSlots, float[] sums) {
        Arrays.fill(sums, 0, numKept, 0f);
        for (int i = 0; i < numRows; i++) {
            float[] row = rows[ringIndex(i)];
            for (int s = 0; s < numKept; s++) {
                row[s] = row[keep[s]];
                sums[s] += row[s];
            }
            Arrays.fill(row, numKept, numSlots, 0f);
        }
    }

    /** The ring index of the {@code i}-th oldest query in the window. */
    private int ringIndex(int i) {
        int index = next - numRows + i;
        return index < 0 ? index + window : index;
    }

    private void ensureCapacity(int numSlots) {
        if (numSlots <= capacity) {
            return;
        }
        capacity = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(numSlots, Math.max(INITIAL_CAPACITY, 2L * capacity)));
        for (int i = 0; i < window; i++) {
            if (rows[i] != null) {
                rows[i] = Arrays.copyOf(rows[i], capacity);
            }
        }
    }
}
