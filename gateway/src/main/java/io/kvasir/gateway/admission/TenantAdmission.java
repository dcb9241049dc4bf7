package io.kvasir.gateway.admission;

import io.kvasir.gateway.store.TenantLimits;
import io.kvasir.gateway.store.TenantRecord;
import io.kvasir.gateway.tenant.Tenant;
import io.kvasir.gateway.tenant.TenantDirectory;
import io.kvasir.gateway.tenant.TenantProperties;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The gateway's {@link Admission}: for each request, in order, the model's queue bound (global across tenants),
 * then the tenant's concurrency line, tokens per minute and requests per minute ({@link TenantGate}). A request
 * whose tenant has no free slot waits in line (asynchronously, no thread held) for up to
 * {@code kvasir.admission.max-queue-wait}.
 *
 * <p>Invariants: every refusal is an {@link AdmissionRejectedException} (429, {@code Retry-After}) counted in
 * {@code kvasir.admission.rejected} and leaves nothing consumed; every permit is released exactly once however
 * the request ends, including a subscriber that cancels while waiting or just as its permit is handed over
 * (Reactor discards the permit and the discard hook releases it); a tenant the store does not know is admitted
 * under {@code kvasir.tenants.default-limits}.
 */
@Component
public class TenantAdmission implements Admission {

    private final Function<String, Mono<TenantLimits>> limitsOf;
    private final AdmissionProperties properties;
    private final UsageRecorder usage;
    private final AdmissionMetrics metrics;
    private final Scheduler timeouts;
    private final LongSupplier nanoClock;
    private final Map<String, TenantGate> gates = new ConcurrentHashMap<>();
    private final Map<String, ModelQueue> queues = new ConcurrentHashMap<>();

    @Autowired
    public TenantAdmission(TenantDirectory directory, TenantProperties tenantProperties,
            AdmissionProperties properties, UsageRecorder usage, MeterRegistry registry) {
        this(tenantId -> directory.find(tenantId).map(TenantRecord::limits)
                        .defaultIfEmpty(tenantProperties.defaultLimits().toLimits()),
                properties, usage, registry, Schedulers.parallel(), System::nanoTime);
    }

    TenantAdmission(Function<String, Mono<TenantLimits>> limitsOf, AdmissionProperties properties,
            UsageRecorder usage, MeterRegistry registry, Scheduler timeouts, LongSupplier nanoClock) {
        this.limitsOf = limitsOf;
        this.properties = properties;
        this.usage = usage;
        this.metrics = new AdmissionMetrics(registry);
        this.timeouts = timeouts;
        this.nanoClock = nanoClock;
    }

    @Override
    public Mono<Permit> admit(Tenant tenant, String model, int promptTokens, int maxTokens) {
        return limitsOf.apply(tenant.id())
                .flatMap(limits -> Mono.<Permit>create(sink -> enter(tenant.id(), model, limits, promptTokens,
                        maxTokens, sink)))
                .doOnDiscard(AdmissionPermit.class, AdmissionPermit::release);
    }

    private void enter(String tenantId, String model, TenantLimits limits, int promptTokens, int maxTokens,
            MonoSink<Permit> sink) {
        TenantGate gate = gateOf(tenantId, limits);
        grant(gate.apply(limits));
        ModelQueue queue = queueOf(model);
        if (!queue.tryEnter()) {
            refuse(sink, model, tenantId, new Refusal(Refusal.QUEUE_FULL, properties.retryAfter(), "Model '" + model
                    + "' has " + queue.capacity() + " requests queued or running, its limit; retry later."));
            return;
        }
        long reserved = (long) Math.max(0, promptTokens) + Math.max(0, maxTokens);
        AdmissionPermit permit = new AdmissionPermit(this, gate, queue, tenantId, model, reserved, promptTokens);
        Waiter waiter = new Waiter(sink, permit);
        sink.onCancel(() -> cancel(waiter, null));
        switch (gate.enter(reserved, waiter)) {
            case TenantGate.Admitted admitted -> sink.success(permit);
            case TenantGate.Queued queued -> waiter.timeout(timeouts.schedule(() -> cancel(waiter,
                    new Refusal(Refusal.CONCURRENCY, properties.retryAfter(), "Waited " + properties.maxQueueWait()
                            .toSeconds() + " s for one of tenant '" + tenantId + "''s concurrency slots; retry later.")),
                    properties.maxQueueWait().toNanos(), TimeUnit.NANOSECONDS));
            case TenantGate.Withdrawn withdrawn -> queue.leave();
            case TenantGate.Refused refused -> {
                queue.leave();
                refuse(sink, model, tenantId, refused.refusal());
            }
        }
    }

    /**
     * A subscriber went away, or a waiter waited too long ({@code refusal}). A request still waiting gives back
     * what it holds; one already granted releases its permit, which its subscriber will never see.
     */
    private void cancel(Waiter waiter, @Nullable Refusal refusal) {
        AdmissionPermit permit = waiter.permit;
        if (!waiter.markCancelled()) {
            if (refusal == null) {
                permit.release();
            }
            return;
        }
        if (permit.gate.withdraw(waiter)) {
            permit.queue.leave();
        }
        if (refusal != null) {
            refuse(waiter.sink, permit.model, permit.tenantId, refusal);
        }
    }

    private void refuse(MonoSink<Permit> sink, String model, String tenantId, Refusal refusal) {
        metrics.rejected(model, tenantId, refusal.reason());
        sink.error(refusal.toException());
    }

    /** Called once per permit, by {@link AdmissionPermit#release()}. */
    void released(AdmissionPermit permit) {
        long prompt = permit.promptTokensUsed();
        long completion = permit.completionTokensUsed();
        permit.gate.settleTokens(permit.reservedTokens, prompt + completion);
        permit.queue.leave();
        grant(permit.gate.leave());
        metrics.served(permit.tenantId, permit.model, prompt, completion);
        usage.record(permit.tenantId, permit.model, prompt, completion);
    }

    private static void grant(List<Waiter> granted) {
        granted.forEach(Waiter::deliver);
    }

    private TenantGate gateOf(String tenantId, TenantLimits limits) {
        return gates.computeIfAbsent(tenantId, id -> {
            TenantGate gate = new TenantGate(id, limits, properties.retryAfter(), nanoClock);
            metrics.watchTenant(id, gate);
            return gate;
        });
    }

    private ModelQueue queueOf(String model) {
        return queues.computeIfAbsent(model, name -> {
            ModelQueue queue = new ModelQueue(properties.capacityOf(name));
            metrics.watchModel(name, queue);
            return queue;
        });
    }

    /** Requests of {@code model} in the gateway now (tests and diagnostics). */
    int numQueued(String model) {
        ModelQueue queue = queues.get(model);
        return queue == null ? 0 : queue.size();
    }

    /** The tenant's admission state, if it has made a request (tests and diagnostics). */
    @Nullable TenantGate gate(String tenantId) {
        return gates.get(tenantId);
    }
}
