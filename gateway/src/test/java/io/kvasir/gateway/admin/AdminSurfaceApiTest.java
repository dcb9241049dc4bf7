package io.kvasir.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvasir.api.GenerationRequest;
import io.kvasir.api.SamplingParams;
import io.kvasir.gateway.engine.GenerationEvent;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The rest of the admin surface against the running gateway: who may call it (RELIABILITY.md item 16 on these
 * endpoints), plugins, the strategies report, the live statistics stream and the cache view.
 */
class AdminSurfaceApiTest extends AdminApiTestBase {

    private static final SamplingParams GREEDY = SamplingParams.builder().temperature(0).maxTokens(8).ignoreEos(true).build();

    @ParameterizedTest
    @CsvSource({"GET, /admin/api/models", "POST, /admin/api/models", "GET, /admin/api/models/stories260K",
            "DELETE, /admin/api/models/stories260K", "GET, /admin/api/models/stories260K/profile",
            "PUT, /admin/api/models/stories260K/profile", "POST, /admin/api/models/stories260K/profile/validate",
            "POST, /admin/api/models/stories260K/profile/diff", "GET, /admin/api/models/stories260K/profile/history",
            "POST, /admin/api/models/stories260K/profile/rollback", "GET, /admin/api/plugins", "GET, /admin/api/stats",
            "GET, /admin/api/stats/stream", "GET, /admin/api/cache/stories260K", "GET, /admin/api/strategies"})
    void noCredentialsGet401AndATenantKeyGets403(String method, String path) {
        request(anonymous(), method, path).exchange().expectStatus().isUnauthorized()
                .expectHeader().value(HttpHeaders.WWW_AUTHENTICATE, v -> assertThat(v).startsWith("Basic"))
                .expectBody().jsonPath("$.error.code").isEqualTo("invalid_admin_credentials");
        request(anonymous(), method, path).header(HttpHeaders.AUTHORIZATION, "Bearer " + TENANT_KEY).exchange()
                .expectStatus().isForbidden().expectBody().jsonPath("$.error.code").isEqualTo("admin_credentials_required");
    }

    @ParameterizedTest
    @CsvSource({"POST, /admin/api/models", "DELETE, /admin/api/models/stories260K", "PUT, /admin/api/models/stories260K/profile",
            "POST, /admin/api/models/stories260K/profile/rollback"})
    void crossOriginChangesAreRefusedAndChangeNothing(String method, String path) {
        request(admin(), method, path).header(HttpHeaders.ORIGIN, "https://evil.example")
                .header(HttpHeaders.IF_MATCH, "\"1\"").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(json(Map.of("version", 1))).exchange()
                .expectStatus().isForbidden().expectBody().jsonPath("$.error.code").isEqualTo("cross_origin_request");
        request(admin(), method, path).header("Sec-Fetch-Site", "cross-site").header(HttpHeaders.IF_MATCH, "\"1\"")
                .contentType(MediaType.APPLICATION_JSON).bodyValue(json(Map.of("version", 1))).exchange()
                .expectStatus().isForbidden();
        admin().get().uri("/admin/api/models/stories260K/profile").exchange().expectStatus().isOk()
                .expectHeader().valueEquals(HttpHeaders.ETAG, "\"1\"");
    }

    @Test
    void aSameOriginChangeFromTheBrowserPasses() {
        admin().post().uri("/admin/api/models/stories260K/profile/validate").header(HttpHeaders.ORIGIN, baseUrl())
                .contentType(MediaType.APPLICATION_JSON).bodyValue(json(profile("f32"))).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.valid").isEqualTo(true);
    }

    @Test
    void pluginsAreListedPerSlotWithSchemasAndFailures() {
        admin().get().uri("/admin/api/plugins").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.codec[*].name").value(names -> assertThat((List<?>) names).asList()
                        .contains("f32", "f16", "int8", "fp8-e4m3", "int4-kivi"))
                .jsonPath("$.codec[?(@.name == 'int8')].status").isEqualTo("loaded")
                .jsonPath("$.codec[?(@.name == 'int8')].kind").isEqualTo("kv-codec")
                .jsonPath("$.eviction[?(@.name == 'streaming')].schema.fields[?(@.name == 'budget_tokens')].type").isEqualTo("int")
                .jsonPath("$.eviction[?(@.name == 'streaming')].schema.fields[?(@.name == 'budget_tokens')].unit").isEqualTo("tokens")
                .jsonPath("$.offloadTier[?(@.name == 'host')].schema.fields[?(@.name == 'capacity_bytes')].type").isEqualTo("long")
                .jsonPath("$.prefixIndex[*].name").value(names -> assertThat((List<?>) names).asList().contains("hash", "radix", "none"))
                // The engine's test jar ships a provider whose constructor throws: listed as failed, with the reason.
                .jsonPath("$.scheduling[?(@.status == 'failed')].failure").value(failures ->
                        assertThat(failures.toString()).contains("this provider cannot start"));
    }

    @Test
    void theStrategiesReportIsServedWhenThereIsOne() throws Exception {
        Files.createDirectories(STRATEGIES_REPORT.getParent());
        Files.deleteIfExists(STRATEGIES_REPORT);
        admin().get().uri("/admin/api/strategies").exchange().expectStatus().isNotFound()
                .expectBody().jsonPath("$.error.code").isEqualTo("strategies_report_not_found");
        Files.writeString(STRATEGIES_REPORT, "{\"model\":\"stories260K.gguf\",\"fidelity\":[{\"codec\":\"int8\",\"kl\":0.001}]}");
        admin().get().uri("/admin/api/strategies").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.model").isEqualTo("stories260K.gguf")
                .jsonPath("$.fidelity[0].codec").isEqualTo("int8");
        Files.writeString(STRATEGIES_REPORT, "{\"model\":");
        admin().get().uri("/admin/api/strategies").exchange().expectStatus().is5xxServerError()
                .expectBody().jsonPath("$.error.code").isEqualTo("strategies_report_unreadable");
        Files.delete(STRATEGIES_REPORT);
    }

    @Test
    void theStatsStreamDeliversAStatsEventEverySecond() {
        generate(STORIES, "stats-1", prompt(40));
        List<ServerSentEvent<Map<String, Object>>> events = admin().get().uri("/admin/api/stats/stream")
                .accept(MediaType.TEXT_EVENT_STREAM).exchange().expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_EVENT_STREAM)
                .returnResult(new ParameterizedTypeReference<ServerSentEvent<Map<String, Object>>>() { })
                .getResponseBody().take(2).collectList().block(Duration.ofSeconds(30));
        assertThat(events).hasSize(2).allSatisfy(event -> {
            assertThat(event.event()).isEqualTo("stats");
            @SuppressWarnings("unchecked")
            Map<String, Object> stories = (Map<String, Object>) ((Map<?, ?>) event.data().get("models")).get(STORIES);
            assertThat(stories).containsKeys("tokensPerSecond", "requestsPerSecond", "ttftMs", "itlMs", "kvBlocksUsed",
                    "kvBlocksFree", "kvBlocksCached", "prefixHitRate", "preemptions", "queueDepth", "running", "waiting");
            assertThat(((Number) stories.get("kvBlocksFree")).intValue()).isPositive();
            // The request above is within the last minute: its time to first token and token gaps are counted.
            assertThat(((Number) ((Map<?, ?>) stories.get("ttftMs")).get("samples")).intValue()).isPositive();
            assertThat(((Number) ((Map<?, ?>) stories.get("itlMs")).get("p50")).doubleValue()).isPositive();
            assertThat(event.data()).containsKey("tenants");
        });
        Instant first = Instant.parse((String) events.get(0).data().get("time"));
        Instant second = Instant.parse((String) events.get(1).data().get("time"));
        assertThat(second).isAfter(first);
        admin().get().uri("/admin/api/stats").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.models.stories260K.instances").isEqualTo(1);
    }

    @Test
    void theCacheViewShowsRecentRequestsSharedPrefixesAndMemoryByTier() {
        Map<String, Object> cached = withPlugin(profile("f32"), "offloadTier", "host", Map.of("capacity_bytes", 16L << 20));
        load("cache-1", cached);
        int[] prompt = prompt(70);
        generate("cache-1", "first", prompt);
        generate("cache-1", "second", prompt);
        admin().get().uri("/admin/api/cache/cache-1").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.recentRequests.length()").isEqualTo(2)
                .jsonPath("$.recentRequests[0].id").isEqualTo("second")
                .jsonPath("$.recentRequests[0].tenant").isEqualTo(GenerationRequest.DEFAULT_TENANT)
                .jsonPath("$.recentRequests[0].promptTokens").isEqualTo(70)
                .jsonPath("$.recentRequests[0].cachedTokens").isEqualTo(64)
                .jsonPath("$.recentRequests[1].cachedTokens").isEqualTo(0)
                .jsonPath("$.recentRequests[0].blocksHeld").isEqualTo((70 + 7 + 15) / 16)
                .jsonPath("$.recentRequests[0].evictedTokens").isEqualTo(0)
                .jsonPath("$.recentRequests[0].preemptions").isEqualTo(0)
                .jsonPath("$.recentRequests[0].finishReason").isEqualTo("length")
                .jsonPath("$.topPrefixes[0].tokens").isEqualTo(64)
                .jsonPath("$.topPrefixes[0].blocks").isEqualTo(4)
                .jsonPath("$.topPrefixes[0].hits").isEqualTo(1)
                .jsonPath("$.topPrefixes[0].tenantGroup").isEqualTo(GenerationRequest.DEFAULT_TENANT)
                .jsonPath("$.memoryByTier.device").value(bytes -> assertThat(((Number) bytes).longValue()).isPositive())
                .jsonPath("$.memoryByTier.host").isEqualTo(0)
                .jsonPath("$.memoryByTier.disk").isEqualTo(0)
                .jsonPath("$.memoryCapacityByTier.host").isEqualTo(16 << 20)
                .jsonPath("$.memoryCapacityByTier.device").value(bytes -> assertThat(((Number) bytes).longValue())
                        .isPositive().isLessThanOrEqualTo(8L << 20));
        admin().get().uri("/admin/api/cache/nope").exchange().expectStatus().isNotFound()
                .expectBody().jsonPath("$.error.code").isEqualTo("model_not_found");
        unload("cache-1");
    }

    private WebTestClient.RequestBodySpec request(WebTestClient client, String method, String path) {
        return client.method(HttpMethod.valueOf(method)).uri(path);
    }

    private void generate(String model, String id, int[] prompt) {
        List<GenerationEvent> events = catalog.find(model).orElseThrow()
                .generate(GenerationRequest.of(id, prompt, GREEDY)).collectList().block(TIMEOUT);
        assertThat(events.getLast()).isInstanceOf(GenerationEvent.Finished.class);
    }

    /** BOS, then a story sentence over and over. */
    static int[] prompt(int length) {
        int[] sentence = {403, 407, 261, 378, 432, 383, 286, 261, 376, 298, 315};
        int[] prompt = new int[length];
        prompt[0] = 1;
        for (int i = 1; i < length; i++) {
            prompt[i] = sentence[(i - 1) % sentence.length];
        }
        return prompt;
    }
}
