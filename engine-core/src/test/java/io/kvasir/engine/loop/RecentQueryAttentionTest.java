package io.kvasir.engine.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

/** The ring of the last queries' attention rows, with rows of powers of two so that every sum is exact. */
class RecentQueryAttentionTest {

    /** Step statistics whose row {@code r} gives slot {@code s} the value {@code rows[r][s]} (0 past the row). */
    private static AttentionRows rows(float[]... rows) {
        return (row, numSlots, into) -> {
            for (int s = 0; s < numSlots; s++) {
                into[s] += s < rows[row].length ? rows[row][s] : 0f;
            }
        };
    }

    @Test
    void theSumsCoverExactlyTheLastWindowQueries() {
        RecentQueryAttention window = new RecentQueryAttention(2);
        float[] sums = new float[8];
        AttentionRows step = rows(new float[] {1, 2}, new float[] {4, 8, 16}, new float[] {32, 64, 128, 256});

        window.push(step, 0, 2, sums);
        window.push(step, 1, 3, sums);
        assertThat(window.numQueries()).isEqualTo(2);
        assertThat(sums).startsWith(5, 10, 16, 0);

        // A third query: the first leaves the window.
        window.push(step, 2, 4, sums);
        assertThat(window.numQueries()).isEqualTo(2);
        assertThat(sums).startsWith(36, 72, 144, 256, 0);
    }

    @Test
    void compactionMovesEveryRowsColumnsWithTheSlots() {
        RecentQueryAttention window = new RecentQueryAttention(2);
        float[] sums = new float[8];
        AttentionRows step = rows(new float[] {1, 2, 4, 8}, new float[] {16, 32, 64, 128, 256},
                new float[] {512, 1024, 2048, 4096});
        window.push(step, 0, 4, sums);
        window.push(step, 1, 5, sums);

        // Keep slots 0, 2 and 4; the sums are recomputed from the moved rows and nothing is left past them.
        window.compact(new int[] {0, 2, 4}, 3, 5, sums);
        Arrays.fill(sums, 3, 5, 0f);
        assertThat(sums).startsWith(17, 68, 256, 0, 0);

        // The next query pushes out the first one, whose columns moved too: only the second's stay.
        window.push(step, 2, 4, sums);
        assertThat(sums).startsWith(16 + 512, 64 + 1024, 256 + 2048, 4096, 0);
    }

    @Test
    void rowsGrowWithTheCacheAndKeepTheirValues() {
        RecentQueryAttention window = new RecentQueryAttention(3);
        float[] big = new float[300];
        Arrays.fill(big, 2f);
        float[] sums = new float[300];
        AttentionRows step = rows(new float[] {1, 1}, big);

        window.push(step, 0, 2, sums);
        window.push(step, 1, 300, sums);
        window.compact(new int[] {1, 299}, 2, 300, sums);
        assertThat(sums).startsWith(3, 2);
    }

    @Test
    void clearForgetsEveryQuery() {
        RecentQueryAttention window = new RecentQueryAttention(4);
        AttentionRows step = rows(new float[] {1, 2, 4}, new float[] {8});
        window.push(step, 0, 3, new float[4]);
        window.clear();
        assertThat(window.numQueries()).isZero();

        float[] sums = new float[4];
        window.push(step, 1, 3, sums);
        assertThat(sums).containsExactly(8, 0, 0, 0);
        // The cleared row was zeroed: a compaction now sums only the new query.
        window.compact(new int[] {0, 1, 2}, 3, 3, sums);
        assertThat(sums).containsExactly(8, 0, 0, 0);
    }

    @Test
    void aWindowOfNoQueriesIsRefused() {
        assertThatThrownBy(() -> new RecentQueryAttention(0)).hasMessageContaining("window must be >= 1");
    }
}
