package io.kvasir.ops.loadgen;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.jspecify.annotations.Nullable;

/**
 * Drives a {@link Target} like a fleet of users. Tenants with a rate share one open-loop driver that walks
 * their merged Poisson arrivals and sends each request on time whether or not earlier ones have finished;
 * tenants with users get one virtual thread per user, which sends a request, waits for its end and sends the
 * next (closed loop). Both kinds can run together.
 *
 * <p>A run stops issuing requests when its duration has passed or its request budget is spent, whichever
 * comes first, then waits for the requests in flight (each bounded by the target's request timeout).
 *
 * <p>Arrivals are drawn from the arrival seed, request contents from per-driver random sources split off the
 * content seed, so the seeds fix every prompt and length the open-loop driver sends and the sequence each
 * closed-loop user sends. Warm-up requests draw from a source of their own, so a measured run never repeats
 * (and finds in a prefix cache) a warm-up prompt.
 */
final class LoadRunner {

    /**
     * When a run stops issuing requests.
     *
     * @param duration stop after this long; null: no time limit
     * @param maxRequests stop after this many requests; 0: no count limit
     */
    record Limits(@Nullable Duration duration, int maxRequests) {
        Limits {
            if (duration == null && maxRequests == 0) {
                throw new IllegalArgumentException("a run needs --duration or --requests");
            }
            if (maxRequests < 0 || duration != null && (duration.isNegative() || duration.isZero())) {
                throw new IllegalArgumentException("--duration and --requests must be positive");
            }
        }
    }

    /** The records of a run, when it started, and what the load generator cost. */
    record Result(List<RequestRecord> records, long startNanos, LoadReport.ClientCost client) {
    }

    private static final long USERS_SALT = 0x7573_6572_73L;
    private static final long WARMUP_SALT = 0x7761_726D_7570L;

    private final Target target;
    private final Workload workload;
    private final List<TenantSpec> tenants;
    private final long arrivalSeed;
    private final long contentSeed;

    /**
     * @param arrivalSeed seed of the Poisson arrivals
     * @param contentSeed seed of the prompts and lengths; runs that must not share prompts (and so prefix-cache
     *        entries) take different content seeds
     */
    LoadRunner(Target target, Workload workload, List<TenantSpec> tenants, long arrivalSeed, long contentSeed) {
        if (tenants.isEmpty()) {
            throw new IllegalArgumentException("a run needs at least one tenant");
        }
        this.target = target;
        this.workload = workload;
        this.tenants = List.copyOf(tenants);
        this.arrivalSeed = arrivalSeed;
        this.contentSeed = contentSeed;
    }

    /** Runs the tenants' load until {@code limits} stop it and every request has ended. */
    Result run(Limits limits) {
        long start = System.nanoTime();
        ClientMeter meter = ClientMeter.start();
        AtomicInteger budget = new AtomicInteger(limits.maxRequests() > 0 ? limits.maxRequests() : Integer.MAX_VALUE);
        long durationNanos = limits.duration() == null ? Long.MAX_VALUE : limits.duration().toNanos();
        Queue<CompletableFuture<RequestRecord>> pending = new ConcurrentLinkedQueue<>();
        List<Thread> drivers = new ArrayList<>();
        List<Integer> openTenants = new ArrayList<>();
        List<Double> rates = new ArrayList<>();
        List<Integer> userTenants = new ArrayList<>();
        for (int t = 0; t < tenants.size(); t++) {
            switch (tenants.get(t).load()) {
                case TenantSpec.Rate rate -> {
                    openTenants.add(t);
                    rates.add(rate.perSecond());
                }
                case TenantSpec.Users users -> {
                    for (int u = 0; u < users.count(); u++) {
                        userTenants.add(t);
                    }
                }
            }
        }
        long[] maxLagNanos = new long[1];
        if (!openTenants.isEmpty()) {
            PoissonArrivals arrivals = new PoissonArrivals(rates, new SplittableRandom(arrivalSeed));
            drivers.add(Thread.ofVirtual().name("loadgen-arrivals").start(
                    () -> maxLagNanos[0] = openLoop(arrivals, openTenants, start, durationNanos, budget, pending)));
        }
        drivers.addAll(startUsers(userTenants, new SplittableRandom(contentSeed ^ USERS_SALT), start, durationNanos, budget, pending));
        joinAll(drivers);
        List<RequestRecord> records = new ArrayList<>();
        for (CompletableFuture<RequestRecord> request : pending) {
            records.add(request.join());
        }
        long end = start;
        for (RequestRecord r : records) {
            end = Math.max(end, r.endNanos());
        }
        return new Result(records, start, meter.stop((end - start) / 1e9, maxLagNanos[0] / 1e6));
    }

    /**
     * Sends {@code numRequests} requests from {@code concurrency} closed-loop users spread over the tenants in
     * turn, and forgets them: they warm the target (JIT, caches, connections) before a measured run.
     *
     * @return how many of them failed
     */
    int warmUp(int numRequests, int concurrency) {
        if (numRequests <= 0) {
            return 0;
        }
        List<Integer> users = new ArrayList<>();
        for (int u = 0; u < Math.max(1, Math.min(concurrency, numRequests)); u++) {
            users.add(u % tenants.size());
        }
        Queue<CompletableFuture<RequestRecord>> pending = new ConcurrentLinkedQueue<>();
        joinAll(startUsers(users, new SplittableRandom(contentSeed ^ WARMUP_SALT), System.nanoTime(), Long.MAX_VALUE,
                new AtomicInteger(numRequests), pending));
        int failed = 0;
        for (CompletableFuture<RequestRecord> request : pending) {
            failed += request.join().succeeded() ? 0 : 1;
        }
        return failed;
    }

    private long openLoop(PoissonArrivals arrivals, List<Integer> openTenants, long start, long durationNanos,
            AtomicInteger budget, Queue<CompletableFuture<RequestRecord>> pending) {
        SplittableRandom content = new SplittableRandom(contentSeed);
        long maxLag = 0;
        while (true) {
            PoissonArrivals.Arrival arrival = arrivals.next();
            long due = start + arrival.offsetNanos();
            if (arrival.offsetNanos() >= durationNanos || budget.getAndDecrement() <= 0) {
                return maxLag;
            }
            sleepUntil(due);
            maxLag = Math.max(maxLag, System.nanoTime() - due);
            int tenant = openTenants.get(arrival.tenantIndex());
            pending.add(target.send(workload.next(tenant, content), tenants.get(tenant)).completion());
        }
    }

    private List<Thread> startUsers(List<Integer> userTenants, SplittableRandom users, long start, long durationNanos,
            AtomicInteger budget, Queue<CompletableFuture<RequestRecord>> pending) {
        List<Thread> threads = new ArrayList<>();
        for (int u = 0; u < userTenants.size(); u++) {
            int tenant = userTenants.get(u);
            SplittableRandom random = users.split();
            threads.add(Thread.ofVirtual().name("loadgen-user-" + u).start(() -> {
                while (System.nanoTime() - start < durationNanos && budget.getAndDecrement() > 0) {
                    CompletableFuture<RequestRecord> request =
                            target.send(workload.next(tenant, random), tenants.get(tenant)).completion();
                    pending.add(request);
                    request.join();
                }
            }));
        }
        return threads;
    }

    private static void sleepUntil(long dueNanos) {
        long wait;
        while ((wait = dueNanos - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
        }
    }

    private static void joinAll(List<Thread> threads) {
        try {
            for (Thread thread : threads) {
                thread.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the load ran", e);
        }
    }
}
