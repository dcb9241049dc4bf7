package io.kvasir.gateway.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvasir.gateway.testing.GatewayTestBase;
import io.kvasir.gateway.testing.Http;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * RELIABILITY.md item 15 end to end through {@code /v1/chat/completions} with real keys: the prefix cache is
 * salted per tenant (or per prefix-sharing group), so another tenant's prompt is never served from the cache,
 * which would let it time-probe what others asked; and {@code /v1/usage} shows a tenant the tokens of its own
 * completions only.
 */
class TenantIsolationEndToEndTest extends GatewayTestBase {

    /** A prompt no other test sends, filling a few KV blocks of stories260K's 128-token context. */
    private static String freshPrompt() {
        return UUID.randomUUID() + " Once upon a time there was a little girl named Lily who loved to play.";
    }

    private static String chat(String prompt, int maxTokens, boolean stream) {
        return "{\"model\":\"" + STORIES + "\",\"max_tokens\":" + maxTokens + ",\"temperature\":0,\"ignore_eos\":true,\"stream\":" + stream
                + (stream ? ",\"stream_options\":{\"include_usage\":true}" : "")
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]}";
    }

    private JsonNode usageOf(String key, String prompt, int maxTokens) {
        Http.Response response = http().withKey(key).post("/v1/chat/completions", chat(prompt, maxTokens, false));
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json().get("usage");
    }

    private int cachedTokens(String key, String prompt) {
        return usageOf(key, prompt, 1).get("prompt_tokens_details").get("cached_tokens").asInt();
    }

    @Test
    void anotherTenantsPromptIsNeverServedFromTheCacheWhileTheTenantAndItsGroupShareTheirOwn() {
        String a = createTenantKey("{\"id\":\"prefix-a\",\"name\":\"Prefix A\"}");
        String b = createTenantKey("{\"id\":\"prefix-b\",\"name\":\"Prefix B\"}");
        String prompt = freshPrompt();
        assertThat(cachedTokens(a, prompt)).as("a prompt nobody sent before").isZero();
        assertThat(cachedTokens(b, prompt)).as("tenant B sending tenant A's prompt").isZero();
        assertThat(cachedTokens(a, prompt)).as("tenant A repeating its prompt").isPositive();

        String g1 = createTenantKey("{\"id\":\"group-1\",\"name\":\"Group 1\",\"prefix_group\":\"team-x\"}");
        String g2 = createTenantKey("{\"id\":\"group-2\",\"name\":\"Group 2\",\"prefix_group\":\"team-x\"}");
        String shared = freshPrompt();
        assertThat(cachedTokens(g1, shared)).isZero();
        assertThat(cachedTokens(g2, shared)).as("a tenant of the same prefix group").isPositive();
        // A tenant with no history of its own: tenant A's cache could legitimately hold the chat template's
        // opening block (its own earlier prompt), which would hide a leak behind a hit of its own.
        String outsider = createTenantKey("{\"id\":\"outsider\",\"name\":\"Outsider\"}");
        assertThat(cachedTokens(outsider, shared)).as("a tenant outside the group").isZero();
    }

    @Test
    void usageAfterRealCompletionsShowsTheTenantsOwnTokens() {
        String a = createTenantKey("{\"id\":\"usage-e2e-a\",\"name\":\"Usage A\"}");
        String b = createTenantKey("{\"id\":\"usage-e2e-b\",\"name\":\"Usage B\"}");
        JsonNode first = usageOf(a, freshPrompt(), 5);
        Http.Response streamed = http().withKey(a).post("/v1/chat/completions", chat(freshPrompt(), 3, true));
        assertThat(streamed.status()).isEqualTo(200);
        JsonNode second = Http.JSON.readTree(streamed.dataEvents().get(streamed.dataEvents().size() - 2)).get("usage");
        JsonNode other = usageOf(b, freshPrompt(), 4);

        long prompt = first.get("prompt_tokens").asLong() + second.get("prompt_tokens").asLong();
        assertThat(first.get("completion_tokens").asInt() + second.get("completion_tokens").asInt()).isEqualTo(8);
        awaitTrue(() -> usage(a).get("total").get("requests").asInt() == 2, "both requests of A are counted");
        JsonNode usageA = usage(a);
        assertThat(usageA.get("tenant_id").asString()).isEqualTo("usage-e2e-a");
        assertThat(usageA.get("total").get("prompt_tokens").asLong()).isEqualTo(prompt);
        assertThat(usageA.get("total").get("completion_tokens").asLong()).isEqualTo(8);
        assertThat(usageA.get("data")).singleElement()
                .satisfies(entry -> assertThat(entry.get("model").asString()).isEqualTo(STORIES));

        awaitTrue(() -> usage(b).get("total").get("requests").asInt() == 1, "the request of B is counted");
        JsonNode usageB = usage(b);
        assertThat(usageB.get("total").get("prompt_tokens").asLong()).isEqualTo(other.get("prompt_tokens").asLong());
        assertThat(usageB.get("total").get("completion_tokens").asLong()).isEqualTo(4);
    }

    private JsonNode usage(String key) {
        Http.Response response = http().withKey(key).get("/v1/usage");
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json();
    }
}
