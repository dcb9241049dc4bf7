package io.kvasir.gateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvasir.gateway.testing.GatewayTestBase;
import io.kvasir.gateway.testing.Http;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Health probes ask the engines; Prometheus shows request, latency, token and engine metrics per model and tenant. */
class ActuatorTest extends GatewayTestBase {

    @Test
    void livenessAndReadinessProbeTheEngines() {
        Http http = new Http(baseUrl());
        assertThat(http.get("/actuator/health/liveness").status()).isEqualTo(200);
        Http.Response readiness = http.get("/actuator/health/readiness");
        assertThat(readiness.status()).isEqualTo(200);
        JsonNode engines = readiness.json().get("components").get("engines");
        assertThat(engines.get("status").asString()).isEqualTo("UP");
        assertThat(engines.get("details").get("models").get(STORIES).get("totalBlocks").asInt()).isPositive();
    }

    @Test
    void prometheusShowsRequestAndEngineMetricsWithModelAndTenantLabels() {
        Http http = http();
        String request = "{\"model\":\"stories260K\",\"messages\":[{\"role\":\"user\",\"content\":\"Tell me a story\"}],"
                + "\"max_tokens\":5,\"stream\":true}";
        assertThat(http.post("/v1/chat/completions", request).status()).isEqualTo(200);
        assertThat(http.post("/v1/chat/completions", request.replace("\"max_tokens\":5", "\"max_tokens\":-5")).status())
                .isEqualTo(400);
        String metrics = http.get("/actuator/prometheus").body();
        assertThat(metrics)
                .containsPattern("kvasir_requests_total\\{[^}]*model=\"stories260K\"[^}]*outcome=\"completed\"[^}]*tenant=\"demo\"")
                .containsPattern("kvasir_requests_total\\{[^}]*model=\"none\"[^}]*outcome=\"invalid\"")
                .containsPattern("kvasir_request_time_to_first_token_seconds_bucket\\{[^}]*model=\"stories260K\"")
                .containsPattern("kvasir_request_inter_token_latency_seconds_bucket\\{[^}]*tenant=\"demo\"")
                .containsPattern("kvasir_tokens_prompt_total\\{[^}]*model=\"stories260K\"")
                .containsPattern("kvasir_tokens_cached_total\\{")
                .containsPattern("kvasir_tokens_generated_total\\{[^}]*model=\"stories260K\"")
                .containsPattern("kvasir_engine_requests_running\\{[^}]*model=\"stories260K\"")
                .containsPattern("kvasir_engine_requests_waiting\\{")
                .containsPattern("kvasir_engine_kv_blocks_used\\{")
                .containsPattern("kvasir_engine_kv_blocks_free\\{[^}]*model=\"stories260K\"")
                .containsPattern("kvasir_engine_kv_staging_bytes\\{[^}]*model=\"stories260K\"")
                .containsPattern("kvasir_engine_prefix_cache_queries_total\\{")
                .containsPattern("kvasir_engine_prefix_cache_hits_total\\{")
                .containsPattern("kvasir_engine_preemptions_total\\{")
                .contains("kvasir_gateway_generations_in_flight");
    }
}
