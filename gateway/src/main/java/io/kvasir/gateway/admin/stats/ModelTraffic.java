package io.kvasir.gateway.admin.stats;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;

/**
 * One model's recent traffic in one-second buckets: tokens and finished requests per second, time to first token
 * and inter-token latency samples, prompt and cached tokens, tokens per tenant, and the last finished requests.
 * Rates are read over the last {@value #RATE_SECONDS} complete seconds, latencies and the prefix hit rate over the
 * last {@value #LATENCY_SECONDS} seconds. Each bucket keeps at most {@value #MAX_SAMPLES} latency samples of a kind
 * (a uniform reservoir sample beyond that), so memory stays bounded at any traffic.
 *
 * <p>Thread-safe: engine loop threads record, the statistics stream reads.
 */
final class ModelTraffic {

    static final int RATE_SECONDS = 5;
    static final int LATENCY_SECONDS = 60;
    static final int MAX_SAMPLES = 512;
    static final int MAX_RECENT = 50;

    private final Bucket[] buckets = new Bucket[LATENCY_SECONDS + 2];
    private final ArrayDeque<RecentRequest> recent = new ArrayDeque<>(MAX_RECENT);
    private final SplittableRandom random = new SplittableRandom(0x5EED);

    ModelTraffic() {
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new Bucket();
        }
    }

    /** A generated token; {@code ttftNanos} for a generation's first, {@code itlNanos} for the others, else -1. */
    synchronized void token(long second, String tenant, double tenantWeight, long ttftNanos, long itlNanos) {
        Bucket bucket = bucket(second);
        bucket.tokens++;
        TenantTally tally = bucket.tenants.computeIfAbsent(tenant, t -> new TenantTally());
        tally.tokens++;
        tally.weight = tenantWeight;
        if (ttftNanos >= 0) {
            bucket.ttft.add(ttftNanos, random);
        }
        if (itlNanos >= 0) {
            bucket.itl.add(itlNanos, random);
        }
    }

    /** A generation ended. */
    synchronized void finished(long second, RecentRequest request) {
        Bucket bucket = bucket(second);
        bucket.requests++;
        bucket.promptTokens += request.promptTokens();
        bucket.cachedTokens += request.cachedTokens();
        if (recent.size() == MAX_RECENT) {
            recent.removeLast();
        }
        recent.addFirst(request);
    }

    /** The last finished requests, newest first. */
    synchronized List<RecentRequest> recent() {
        return List.copyOf(recent);
    }

    /** The windows ending at {@code second} (the current, incomplete one). */
    synchronized Window window(long second) {
        long tokens = 0;
        long requests = 0;
        long prompt = 0;
        long cached = 0;
        List<Bucket> inWindow = new ArrayList<>();
        int maxTtft = 0;
        int maxItl = 0;
        for (Bucket bucket : buckets) {
            long age = second - bucket.second;
            if (bucket.second >= 0 && age >= 0 && age < LATENCY_SECONDS) {
                inWindow.add(bucket);
                maxTtft += bucket.ttft.size;
                maxItl += bucket.itl.size;
            }
        }
        long[] ttft = new long[maxTtft];
        long[] itl = new long[maxItl];
        int numTtft = 0;
        int numItl = 0;
        Map<String, TenantWindow> tenants = new LinkedHashMap<>();
        for (Bucket bucket : inWindow) {
            long age = second - bucket.second;
            numTtft = bucket.ttft.copyTo(ttft, numTtft);
            numItl = bucket.itl.copyTo(itl, numItl);
            prompt += bucket.promptTokens;
            cached += bucket.cachedTokens;
            if (age >= 1 && age <= RATE_SECONDS) {
                tokens += bucket.tokens;
                requests += bucket.requests;
                bucket.tenants.forEach((tenant, tally) -> tenants.merge(tenant, new TenantWindow(tally.tokens, tally.weight),
                        (a, b) -> new TenantWindow(a.tokens() + b.tokens(), b.weight())));
            }
        }
        return new Window((double) tokens / RATE_SECONDS, (double) requests / RATE_SECONDS,
                Percentiles.ofNanos(ttft, numTtft), Percentiles.ofNanos(itl, numItl),
                prompt == 0 ? null : (double) cached / prompt, tenants);
    }

    private Bucket bucket(long second) {
        Bucket bucket = buckets[(int) Math.floorMod(second, (long) buckets.length)];
        if (bucket.second != second) {
            bucket.reset(second);
        }
        return bucket;
    }

    /**
     * One model's traffic over the recent windows.
     *
     * @param tokensPerSecond tokens generated per second over the last complete seconds
     * @param requestsPerSecond generations finished per second over the same seconds
     * @param ttft time to first token, from the generation's submission
     * @param itl time between consecutive tokens of one generation
     * @param prefixHitRate cached prompt tokens over prompt tokens of the requests finished in the latency window;
     *        null when none finished
     * @param tenants tokens per tenant over the rate window, with the tenant's weight
     */
    record Window(double tokensPerSecond, double requestsPerSecond, Percentiles ttft, Percentiles itl,
            @Nullable Double prefixHitRate, Map<String, TenantWindow> tenants) {
    }

    /** A tenant's tokens over the rate window and its scheduling weight. */
    record TenantWindow(long tokens, double weight) {
    }

    private static final class TenantTally {
        long tokens;
        double weight;
    }

    private static final class Bucket {
        long second = -1;
        long tokens;
        long requests;
        long promptTokens;
        long cachedTokens;
        final Samples ttft = new Samples();
        final Samples itl = new Samples();
        final Map<String, TenantTally> tenants = new HashMap<>();

        void reset(long newSecond) {
            second = newSecond;
            tokens = 0;
            requests = 0;
            promptTokens = 0;
            cachedTokens = 0;
            ttft.clear();
            itl.clear();
            tenants.clear();
        }
    }

    /** A uniform reservoir sample of at most {@link #MAX_SAMPLES} values. */
    private static final class Samples {
        private final long[] values = new long[MAX_SAMPLES];
        private int size;
        private long seen;

        void add(long value, SplittableRandom random) {
            seen++;
            if (size < MAX_SAMPLES) {
                values[size++] = value;
            } else {
                long slot = random.nextLong(seen);
                if (slot < MAX_SAMPLES) {
                    values[(int) slot] = value;
                }
            }
        }

        int copyTo(long[] target, int offset) {
            System.arraycopy(values, 0, target, offset, size);
            return offset + size;
        }

        void clear() {
            size = 0;
            seen = 0;
        }
    }
}
