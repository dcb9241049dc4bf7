package io.kvasir.gateway.tenant;

import io.kvasir.gateway.admission.UsageRecorder;
import io.kvasir.gateway.store.UsageRepository;
import io.kvasir.gateway.store.UsageRow;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Per-tenant usage: counts what each ended request used in memory and adds it to the {@code tenant_usage} table
 * every {@code kvasir.tenants.usage-flush-interval}, when a tenant reads its usage, and at shutdown.
 *
 * <p>Invariants: every recorded request is added to the store exactly once, unless the store refuses it (then it
 * is kept and retried with the next flush); a tenant reading its usage sees everything recorded before the read.
 */
@Component
public class UsageLedger implements UsageRecorder, SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(UsageLedger.class);

    private final UsageRepository repository;
    private final Clock clock;
    private final Duration flushInterval;
    private final Map<Key, long[]> pending = new ConcurrentHashMap<>();
    private volatile @Nullable Disposable periodicFlush;

    @Autowired
    public UsageLedger(UsageRepository repository,
            @Value("${kvasir.tenants.usage-flush-interval:10s}") Duration flushInterval) {
        this(repository, Clock.systemUTC(), flushInterval);
    }

    UsageLedger(UsageRepository repository, Clock clock, Duration flushInterval) {
        this.repository = repository;
        this.clock = clock;
        this.flushInterval = flushInterval;
    }

    @Override
    public void record(String tenantId, String model, long promptTokens, long completionTokens) {
        Key key = new Key(tenantId, model, LocalDate.now(clock.withZone(ZoneOffset.UTC)));
        pending.compute(key, (k, counts) -> add(counts, 1, promptTokens, completionTokens));
    }

    /** A tenant's usage from {@code fromDate} on, after adding what is pending for it to the store. */
    public Flux<UsageRow> usage(String tenantId, LocalDate fromDate) {
        return flush(tenantId).thenMany(repository.findByTenant(tenantId, fromDate));
    }

    /** Today in UTC, as usage rows date it. */
    public LocalDate today() {
        return LocalDate.now(clock.withZone(ZoneOffset.UTC));
    }

    /** Adds everything pending to the store. */
    public Mono<Void> flush() {
        return flush(null);
    }

    private Mono<Void> flush(@Nullable String onlyTenant) {
        List<Key> keys = pending.keySet().stream()
                .filter(k -> onlyTenant == null || k.tenantId().equals(onlyTenant)).toList();
        return Flux.fromIterable(keys).concatMap(key -> {
            long[] counts = pending.remove(key);
            if (counts == null) {
                return Mono.empty();
            }
            UsageRow delta = new UsageRow(key.tenantId(), key.model(), key.date(), counts[0], counts[1], counts[2]);
            return repository.add(delta).onErrorResume(e -> {
                pending.compute(key, (k, now) -> add(now, counts[0], counts[1], counts[2]));
                log.warn("Could not store usage of tenant {} (kept for the next flush): {}", key.tenantId(), e.toString());
                return Mono.empty();
            });
        }).then();
    }

    private static long[] add(long @Nullable [] counts, long requests, long prompt, long completion) {
        long[] out = counts == null ? new long[3] : counts;
        out[0] += requests;
        out[1] += prompt;
        out[2] += completion;
        return out;
    }

    @Override
    public void start() {
        periodicFlush = Flux.interval(flushInterval, flushInterval).onBackpressureDrop()
                .concatMap(tick -> flush()).subscribe();
    }

    @Override
    public void stop() {
        Disposable running = periodicFlush;
        periodicFlush = null;
        if (running != null) {
            running.dispose();
        }
        flush().block(Duration.ofSeconds(30));
    }

    @Override
    public boolean isRunning() {
        return periodicFlush != null;
    }

    /** Stops after the web server (which stops at a higher phase) so the last requests are counted. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 2048;
    }

    private record Key(String tenantId, String model, LocalDate date) {
    }
}
