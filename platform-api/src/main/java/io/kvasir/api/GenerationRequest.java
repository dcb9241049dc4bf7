package io.kvasir.api;

import java.util.Objects;

/**
 * One generation asked of an engine.
 *
 * @param requestId unique among the engine's live requests
 * @param tenantId whose request it is: fairness, quotas, KV accounting and prefix-cache salting use it
 * @param promptTokens the prompt's token ids, BOS included when the model wants one; not empty
 * @param sampling how tokens are chosen and when generation ends
 * @param priority larger runs earlier under the priority scheduling policy (0 by default)
 */
public record GenerationRequest(String requestId, String tenantId, int[] promptTokens, SamplingParams sampling, int priority) {

    public GenerationRequest {
        Objects.requireNonNull(sampling, "sampling");
        if (requestId == null || requestId.isBlank()) {
            throw new InvalidRequestException("request_id", "request id must not be blank");
        }
        if (tenantId == null || tenantId.isBlank()) {
            throw new InvalidRequestException("user", "tenant id must not be blank");
        }
        if (promptTokens == null || promptTokens.length == 0) {
            throw new InvalidRequestException("prompt", "the prompt is empty");
        }
        promptTokens = promptTokens.clone();
    }

    /** A request for the default tenant with priority 0. */
    public static GenerationRequest of(String requestId, int[] promptTokens, SamplingParams sampling) {
        return new GenerationRequest(requestId, "default", promptTokens, sampling, 0);
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
