package io.kvasir.ops.loadgen;

import org.jspecify.annotations.Nullable;

/**
 * One request a simulated user is about to send.
 *
 * @param tenantIndex index of the sending tenant in the run's tenant list
 * @param systemPrompt the shared system prompt, or null when the run has none
 * @param prompt the user's text (the whole prompt on the completions endpoint, after the system prompt)
 * @param maxTokens output tokens asked for; sent with {@code ignore_eos} so the output has exactly this length
 */
record PlannedRequest(int tenantIndex, @Nullable String systemPrompt, String prompt, int maxTokens) {
}
