package io.kvasir.gateway.admission;

/** Where admission reports what each admitted request used when it ends. */
@FunctionalInterface
public interface UsageRecorder {

    /** One admitted request ended (completed, failed or cancelled) having used these tokens. */
    void record(String tenantId, String model, long promptTokens, long completionTokens);
}
