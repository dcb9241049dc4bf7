package io.kvasir.ops.loadgen;

import java.util.List;

/**
 * What a run was asked to do, echoed at the top of its report so a JSON file explains itself.
 *
 * @param target the gateway's base URL, or {@code in-process:FILE} for the engine-only side of a comparison
 * @param endpoint {@code chat} or {@code completions}
 * @param promptTokens the prompt-length distribution as written
 * @param outputTokens the output-length distribution as written
 * @param systemPromptTokens token-ish length of the shared system prompt (0: none)
 * @param tenants the simulated tenants (never their keys)
 */
record RunDescription(String target, String model, String endpoint, String promptTokens, String outputTokens,
        int systemPromptTokens, long seed, List<Tenant> tenants) {

    /** A tenant's name and load as written ({@code rate=R} or {@code users=N}). */
    record Tenant(String name, String load) {
    }

    RunDescription {
        tenants = List.copyOf(tenants);
    }
}
