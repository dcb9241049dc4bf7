package io.kvasir.gateway.admission;

import io.kvasir.gateway.tenant.Tenant;
import reactor.core.publisher.Mono;

/**
 * Decides whether a tenant's request may enter a model's engine now: per-tenant rate limits and concurrency
 * (Resilience4j), and the bounded queue per model. A refusal is an {@link AdmissionRejectedException}
 * (429 with {@code Retry-After}).
 *
 * <p>Invariant: every permit handed out is released exactly once, however the request ends (completion,
 * error, client cancellation); {@link Permit#release()} is idempotent.
 */
public interface Admission {

    /** Admits one request, or signals {@link AdmissionRejectedException}. */
    Mono<Permit> admit(Tenant tenant, String model, int promptTokens, int maxTokens);

    /** A held admission: release it when the request ends. */
    interface Permit {

        /** Gives the slot back; calls after the first do nothing. */
        void release();

        /** Tells the limits how many tokens the request really used (for tokens-per-minute accounting). */
        default void recordTokens(int promptTokens, int generatedTokens) {
        }
    }
}
