package io.kvasir.ops.loadgen;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The arrivals of an open-loop workload: a Poisson process per tenant, merged. The superposition of
 * independent Poisson processes with rates r1..rk is one Poisson process of rate R = r1 + .. + rk whose each
 * arrival belongs to tenant i with probability ri / R, which is how arrivals are drawn here: one exponential
 * gap of mean 1/R, then the tenant.
 *
 * <p>Invariants: offsets never decrease; the first arrival is one gap after time 0 (not at 0); the sequence
 * depends only on the rates and the random source's seed. Not thread-safe: one driver thread walks it.
 */
final class PoissonArrivals {

    /** One arrival: when, from the start of the run, and for which tenant (an index into the rates). */
    record Arrival(long offsetNanos, int tenantIndex) {
    }

    private final double[] cumulativeRates;
    private final double totalRate;
    private final RandomGenerator random;
    private long offsetNanos;

    /**
     * @param ratesPerSecond each tenant's arrival rate, finite and positive
     * @param random the source of the gaps and tenant picks
     */
    PoissonArrivals(List<Double> ratesPerSecond, RandomGenerator random) {
        if (ratesPerSecond.isEmpty()) {
            throw new IllegalArgumentException("an open-loop workload needs at least one tenant with a rate");
        }
        cumulativeRates = new double[ratesPerSecond.size()];
        double sum = 0;
        for (int i = 0; i < cumulativeRates.length; i++) {
            double rate = ratesPerSecond.get(i);
            if (!(rate > 0) || Double.isInfinite(rate)) {
                throw new IllegalArgumentException("an arrival rate must be a positive finite number of requests/s, got " + rate);
            }
            sum += rate;
            cumulativeRates[i] = sum;
        }
        this.totalRate = sum;
        this.random = random;
    }

    /** The merged arrival rate in requests per second. */
    double totalRate() {
        return totalRate;
    }

    /** The next arrival. */
    Arrival next() {
        offsetNanos += gapNanos(totalRate, random);
        double pick = random.nextDouble() * totalRate;
        int tenant = 0;
        while (tenant < cumulativeRates.length - 1 && pick >= cumulativeRates[tenant]) {
            tenant++;
        }
        return new Arrival(offsetNanos, tenant);
    }

    /** One exponentially distributed gap of mean {@code 1 / ratePerSecond} seconds, in nanoseconds. */
    static long gapNanos(double ratePerSecond, RandomGenerator random) {
        // log1p(-u) with u in [0, 1) is finite, so the gap is never infinite.
        return Math.round(-Math.log1p(-random.nextDouble()) / ratePerSecond * 1e9);
    }
}
