package io.kvasir.ops.loadgen;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * Several rounds of the HTTP-path comparison, alternating which side runs first, summarised by medians: one round
 * on a shared machine moves by more than the 5% it is meant to resolve (background work, frequency and cache state
 * drift between the two halves of a round), so the targets are judged on the median round.
 *
 * @param rounds each round's comparison, in the order they ran (even rounds ran the engine first, odd ones HTTP)
 * @param throughputRatio median HTTP/engine throughput ratio over the rounds
 * @param minThroughputRatio lowest round's ratio
 * @param maxThroughputRatio highest round's ratio
 * @param ttftP50AddedMs median over the rounds of the median TTFT the HTTP path adds at the run's concurrency
 * @param singleStreamTtftP50AddedMs the same one request at a time; null when that phase was not run
 */
record CompareSummary(String model, int concurrency, List<CompareReport> rounds, double throughputRatio,
        double minThroughputRatio, double maxThroughputRatio, double throughputCost, @Nullable Double ttftP50AddedMs,
        @Nullable Double singleStreamTtftP50AddedMs, double targetMaxThroughputCost, double targetMaxTtftAddedMs,
        boolean throughputTargetMet, boolean ttftTargetMet) {

    CompareSummary {
        if (rounds.isEmpty()) {
            throw new IllegalArgumentException("a comparison needs at least one round");
        }
        rounds = List.copyOf(rounds);
    }

    static CompareSummary of(List<CompareReport> rounds, double maxThroughputCost, double maxTtftAddedMs) {
        if (rounds.isEmpty()) {
            throw new IllegalArgumentException("a comparison needs at least one round");
        }
        CompareReport first = rounds.getFirst();
        double ratio = median(rounds, CompareReport::throughputRatio);
        double min = rounds.stream().mapToDouble(CompareReport::throughputRatio).min().orElseThrow();
        double max = rounds.stream().mapToDouble(CompareReport::throughputRatio).max().orElseThrow();
        Double added = medianOfPresent(rounds.stream().map(CompareReport::ttftP50AddedMs).toList());
        Double singleAdded = medianOfPresent(rounds.stream().map(CompareReport::singleStreamTtftP50AddedMs).toList());
        return new CompareSummary(first.model(), first.concurrency(), rounds, ratio, min, max, 1 - ratio, added, singleAdded,
                maxThroughputCost, maxTtftAddedMs, 1 - ratio <= maxThroughputCost, added != null && added <= maxTtftAddedMs);
    }

    private static double median(List<CompareReport> rounds, ToDoubleFunction<CompareReport> value) {
        return median(rounds.stream().mapToDouble(value).toArray());
    }

    /** The median of the values present; null when no round has one. */
    private static @Nullable Double medianOfPresent(List<@Nullable Double> values) {
        double[] present = values.stream().filter(Objects::nonNull).mapToDouble(Double::doubleValue).toArray();
        return present.length == 0 ? null : median(present);
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
