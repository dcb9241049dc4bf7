package io.kvasir.gateway.admission;

import io.kvasir.gateway.admission.Admission.Permit;
import io.kvasir.gateway.store.TenantLimits;
import io.kvasir.gateway.tenant.Tenant;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.Disposable;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Mono;
import reactor.test.scheduler.VirtualTimeScheduler;

/** A {@link TenantAdmission} on virtual time with limits set per tenant, and attempts that record their outcome. */
final class AdmissionHarness {

    final Map<String, TenantLimits> limits = new ConcurrentHashMap<>();
    final List<String> usageRecords = new CopyOnWriteArrayList<>();
    final AtomicLong nanos = new AtomicLong();
    final VirtualTimeScheduler time = VirtualTimeScheduler.create();
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final TenantAdmission admission;

    AdmissionHarness(int modelQueueCapacity, Duration maxQueueWait) {
        AdmissionProperties properties = new AdmissionProperties(modelQueueCapacity, Map.of(), maxQueueWait,
                Duration.ofSeconds(1));
        this.admission = new TenantAdmission(id -> Mono.just(limits.get(id)), properties,
                (tenant, model, prompt, completion) -> usageRecords.add(tenant + "/" + model + "/" + prompt + "/" + completion),
                registry, time, nanos::get);
    }

    Attempt admit(String tenantId, String model, int promptTokens, int maxTokens) {
        return new Attempt(admission.admit(new Tenant(tenantId, tenantId, 1.0, null), model, promptTokens, maxTokens),
                promptTokens);
    }

    double rejected(String reason) {
        return registry.find("kvasir.admission.rejected").tag("reason", reason).counters().stream()
                .mapToDouble(c -> c.count()).sum();
    }

    /** One subscription to {@code admit}: what it received, and the means to cancel it. */
    static final class Attempt {
        volatile Permit permit;
        volatile Throwable error;
        final Disposable subscription;
        /** The prompt tokens announced at admission: what a request that records nothing is charged. */
        final int promptTokens;

        Attempt(Mono<Permit> admit, int promptTokens) {
            this.promptTokens = promptTokens;
            Owner owner = new Owner();
            this.subscription = owner;
            admit.subscribe(owner);
        }

        /**
         * Owns what it receives, as a request does: a permit that arrives while or after its owner disposes it is
         * released here. (A plain lambda subscriber drops a value that races its disposal, onNextDropped, and a
         * dropped permit would hold its slot forever; the gateway's own subscriber, flatMapMany into Flux.using,
         * takes every permit it is given and releases it when the request ends.)
         */
        private final class Owner extends BaseSubscriber<Permit> {
            @Override
            protected void hookOnNext(Permit value) {
                permit = value;
                if (isDisposed()) {
                    value.release();
                }
            }

            @Override
            protected void hookOnError(Throwable failure) {
                error = failure;
            }
        }

        boolean admitted() {
            return permit != null;
        }

        boolean waiting() {
            return permit == null && error == null && !subscription.isDisposed();
        }

        AdmissionRejectedException rejection() {
            return (AdmissionRejectedException) error;
        }
    }
}
