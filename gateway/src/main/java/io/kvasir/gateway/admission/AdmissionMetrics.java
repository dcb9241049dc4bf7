package io.kvasir.gateway.admission;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Admission's meters, with {@code model} and {@code tenant} labels:
 * <ul>
 *   <li>{@code kvasir.admission.rejected{model,tenant,reason}}: requests refused, by reason;</li>
 *   <li>{@code kvasir.tenant.tokens{tenant,model,kind=prompt|completion}}: tokens served per tenant;</li>
 *   <li>{@code kvasir.tenant.requests{tenant,model}}: admitted requests that ended;</li>
 *   <li>{@code kvasir.admission.queued{model}}: the model's requests in the gateway (in flight or waiting);</li>
 *   <li>{@code kvasir.admission.waiting{tenant}} and {@code kvasir.admission.in_flight{tenant}}.</li>
 * </ul>
 */
final class AdmissionMetrics {

    private final MeterRegistry registry;

    AdmissionMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void rejected(String model, String tenantId, String reason) {
        Counter.builder("kvasir.admission.rejected").description("Requests refused by admission")
                .tag("model", model).tag("tenant", tenantId).tag("reason", reason).register(registry).increment();
    }

    void served(String tenantId, String model, long promptTokens, long completionTokens) {
        Counter.builder("kvasir.tenant.requests").description("Admitted requests that ended")
                .tag("tenant", tenantId).tag("model", model).register(registry).increment();
        tokens(tenantId, model, "prompt").increment(promptTokens);
        tokens(tenantId, model, "completion").increment(completionTokens);
    }

    private Counter tokens(String tenantId, String model, String kind) {
        return Counter.builder("kvasir.tenant.tokens").description("Tokens served per tenant").baseUnit("tokens")
                .tag("tenant", tenantId).tag("model", model).tag("kind", kind).register(registry);
    }

    void watchModel(String model, ModelQueue queue) {
        Gauge.builder("kvasir.admission.queued", queue, ModelQueue::size)
                .description("The model's requests in the gateway, in flight or waiting").tag("model", model)
                .register(registry);
    }

    void watchTenant(String tenantId, TenantGate gate) {
        Gauge.builder("kvasir.admission.waiting", gate, TenantGate::numWaiting)
                .description("The tenant's requests waiting for a concurrency slot").tag("tenant", tenantId)
                .register(registry);
        Gauge.builder("kvasir.admission.in_flight", gate, TenantGate::numInFlight)
                .description("The tenant's admitted requests not yet ended").tag("tenant", tenantId).register(registry);
    }
}
