package io.kvasir.gateway.admin.stats;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Latency percentiles in milliseconds, by nearest rank; all null when there were no samples.
 *
 * @param p50 the median
 * @param p90 the 90th percentile
 * @param p99 the 99th percentile
 * @param samples how many samples they come from
 */
public record Percentiles(@Nullable Double p50, @Nullable Double p90, @Nullable Double p99, int samples) {

    /** No samples. */
    public static final Percentiles NONE = new Percentiles(null, null, null, 0);

    /** The percentiles of {@code nanos[0..n)} (sorted in place), in milliseconds. */
    public static Percentiles ofNanos(long[] nanos, int n) {
        if (n == 0) {
            return NONE;
        }
        Arrays.sort(nanos, 0, n);
        return new Percentiles(rank(nanos, n, 0.50), rank(nanos, n, 0.90), rank(nanos, n, 0.99), n);
    }

    private static double rank(long[] sorted, int n, double p) {
        int index = (int) Math.ceil(p * n) - 1;
        return sorted[Math.max(0, Math.min(n - 1, index))] / 1e6;
    }
}
