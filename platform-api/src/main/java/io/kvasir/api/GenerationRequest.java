package io.kvasir.api;

import java.util.Objects;

/**
 * One generation asked of an engine.
 *
 * @param requestId unique among the engine's live requests
 * @param tenantId whose request it is: fairness, quotas and KV accounting use it
 * @param tenantWeight the tenant's share under fair scheduling, relative to other tenants (positive; 1 by default)
 * @param prefixGroup prefix-cache entries are shared only within a group; by default a tenant's own id, so
 *     one tenant cannot probe another's prompts through cache timing
 * @param promptTokens the prompt's token ids, BOS included when the model wants one; not empty
 * @param sampling how tokens are chosen and when generation ends
 * @param priority larger runs earlier under the priority scheduling policy (0 by default)
 */
public record GenerationRequest(String requestId, String tenantId, double tenantWeight, String prefixGroup,
        int[] promptTokens, SamplingParams sampling, int priority) {

    /** The tenant id used when none is given. */
    public static final String DEFAULT_TENANT = "default";

    public GenerationRequest {
        Objects.requireNonNull(sampling, "sampling");
        if (requestId == null || requestId.isBlank()) {
            throw new InvalidRequestException("request_id", "request id must not be blank");
        }
        if (tenantId == null || tenantId.isBlank()) {
            throw new InvalidRequestException("user", "tenant id must not be blank");
        }
        if (!(tenantWeight > 0) || Double.isInfinite(tenantWeight)) {
            throw new InvalidRequestException("tenant_weight", "tenant weight must be a positive number, got " + tenantWeight);
        }
        if (prefixGroup == null || prefixGroup.isBlank()) {
            prefixGroup = tenantId;
        }
        if (promptTokens == null || promptTokens.length == 0) {
            throw new InvalidRequestException("prompt", "the prompt is empty");
        }
        promptTokens = promptTokens.clone();
    }

    /** A request of {@code tenantId} with weight 1, its own prefix group, and priority 0. */
    public GenerationRequest(String requestId, String tenantId, int[] promptTokens, SamplingParams sampling, int priority) {
        this(requestId, tenantId, 1.0, tenantId, promptTokens, sampling, priority);
    }

    /** A request for the default tenant with priority 0. */
    public static GenerationRequest of(String requestId, int[] promptTokens, SamplingParams sampling) {
        return new GenerationRequest(requestId, DEFAULT_TENANT, promptTokens, sampling, 0);
    }

    @Override
    public int[] promptTokens() {
        return promptTokens.clone();
    }

    /** Number of prompt tokens. */
    public int numPromptTokens() {
        return promptTokens.length;
    }

    /** The prompt token at {@code index}, without copying the array. */
    public int promptToken(int index) {
        return promptTokens[index];
    }
}
