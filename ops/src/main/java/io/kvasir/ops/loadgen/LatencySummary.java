package io.kvasir.ops.loadgen;

import java.util.Arrays;

import org.jspecify.annotations.Nullable;

/**
 * Percentiles of one latency, in milliseconds. Percentiles interpolate linearly between the two nearest ranks
 * (numpy's default, which vLLM's and SGLang's benchmark reports use), so p50 of an even count is the mean of
 * the middle two.
 *
 * <p>Invariants: {@code count >= 1}; {@code p50 <= p90 <= p99 <= max}.
 */
record LatencySummary(int count, double mean, double p50, double p90, double p99, double max) {

    /** The summary of {@code nanos} in milliseconds, or null when there are none. */
    static @Nullable LatencySummary ofNanos(long[] nanos, int count) {
        if (count == 0) {
            return null;
        }
        double[] millis = new double[count];
        for (int i = 0; i < count; i++) {
            millis[i] = nanos[i] / 1e6;
        }
        return ofMillis(millis);
    }

    /** The summary of {@code millis} (not modified), or null when it is empty. */
    static @Nullable LatencySummary ofMillis(double[] millis) {
        if (millis.length == 0) {
            return null;
        }
        double[] sorted = millis.clone();
        Arrays.sort(sorted);
        double sum = 0;
        for (double v : sorted) {
            sum += v;
        }
        return new LatencySummary(sorted.length, sum / sorted.length, percentile(sorted, 50), percentile(sorted, 90),
                percentile(sorted, 99), sorted[sorted.length - 1]);
    }

    /**
     * The {@code p}-th percentile (0 to 100) of ascending {@code sorted} values: rank {@code p/100 * (n-1)},
     * interpolated linearly between the values at its floor and ceiling.
     */
    static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            throw new IllegalArgumentException("no values");
        }
        if (!(p >= 0 && p <= 100)) {
            throw new IllegalArgumentException("percentile must be in [0, 100], got " + p);
        }
        double rank = p / 100 * (sorted.length - 1);
        int below = (int) Math.floor(rank);
        int above = Math.min(below + 1, sorted.length - 1);
        double fraction = rank - below;
        return sorted[below] + (sorted[above] - sorted[below]) * fraction;
    }
}
