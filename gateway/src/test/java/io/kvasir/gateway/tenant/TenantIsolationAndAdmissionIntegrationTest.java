package io.kvasir.gateway.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvasir.gateway.admission.Admission;
import io.kvasir.gateway.admission.Admission.Permit;
import io.kvasir.gateway.admission.AdmissionRejectedException;
import io.kvasir.gateway.store.TenantRecord;
import io.kvasir.gateway.testing.GatewayTestBase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Mono;

/**
 * RELIABILITY.md items 15 (a tenant sees only its own data) and 18 (a burst over one tenant's limit is refused
 * with 429 and Retry-After while another tenant keeps getting in), through the store, the tenant directory and
 * the admission the API handlers use.
 */
class TenantIsolationAndAdmissionIntegrationTest extends GatewayTestBase {

    private static final String MODEL = "kvasir-tiny-q8_0";

    @Autowired
    Admission admission;

    @Autowired
    TenantDirectory directory;

    private WebTestClient http;

    @BeforeEach
    void connect() {
        http = newClient();
    }

    @Test
    void aTenantSeesOnlyItsOwnUsageAndCannotAskForAnothers() {
        String keyA = secretOf(createTenant(http, "{\"id\":\"usage-a\",\"name\":\"Usage A\"}"));
        String keyB = secretOf(createTenant(http, "{\"id\":\"usage-b\",\"name\":\"Usage B\"}"));
        serve("usage-a", 11, 7);
        serve("usage-b", 5, 3);
        serve("usage-b", 5, 3);

        usage(keyA, "").expectStatus().isOk().expectBody()
                .jsonPath("$.tenant_id").isEqualTo("usage-a")
                .jsonPath("$.total.requests").isEqualTo(1)
                .jsonPath("$.total.prompt_tokens").isEqualTo(11)
                .jsonPath("$.total.completion_tokens").isEqualTo(7)
                .jsonPath("$.data[0].model").isEqualTo(MODEL)
                .jsonPath("$.data.length()").isEqualTo(1);
        usage(keyB, "").expectStatus().isOk().expectBody()
                .jsonPath("$.tenant_id").isEqualTo("usage-b")
                .jsonPath("$.total.requests").isEqualTo(2)
                .jsonPath("$.total.total_tokens").isEqualTo(16);

        byte[] otherTenant = usage(keyA, "?tenant_id=usage-b").expectStatus().isForbidden().expectBody()
                .jsonPath("$.error.code").isEqualTo("tenant_mismatch").returnResult().getResponseBody();
        byte[] noTenant = usage(keyA, "?tenant_id=no-such-tenant").expectStatus().isForbidden().expectBody()
                .returnResult().getResponseBody();
        assertThat(otherTenant).as("the answer must not reveal whether the other tenant exists").isEqualTo(noTenant);
        usage(keyA, "?tenant_id=usage-a").expectStatus().isOk();
        usage(keyA, "?days=0").expectStatus().isBadRequest().expectBody().jsonPath("$.error.param").isEqualTo("days");
        usage(keyA, "?days=many").expectStatus().isBadRequest().expectBody()
                .jsonPath("$.error.param").isEqualTo("days")
                .jsonPath("$.error.type").isEqualTo("invalid_request_error");
    }

    @Test
    void aBurstOverOneTenantsLimitGets429WithRetryAfterWhileAnotherTenantGetsThrough() {
        createTenant(http, "{\"id\":\"burst-flood\",\"name\":\"Flood\",\"limits\":{\"requests_per_minute\":3}}");
        createTenant(http, "{\"id\":\"burst-calm\",\"name\":\"Calm\",\"limits\":{\"requests_per_minute\":3}}");
        List<Permit> admitted = new ArrayList<>();
        List<AdmissionRejectedException> refused = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            try {
                admitted.add(admit("burst-flood").block(Duration.ofSeconds(10)));
            } catch (AdmissionRejectedException e) {
                refused.add(e);
            }
        }
        assertThat(admitted).hasSize(3);
        assertThat(refused).hasSize(5).allSatisfy(e -> {
            assertThat(e.status().value()).isEqualTo(429);
            assertThat(e.reason()).isEqualTo("rate_limit");
            assertThat(e.retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(1));
        });
        Permit calm = admit("burst-calm").block(Duration.ofSeconds(10));
        assertThat(calm).isNotNull();
        calm.release();
        admitted.forEach(Permit::release);

        http.get().uri("/actuator/prometheus").exchange().expectStatus().isOk().expectBody(String.class)
                .value(metrics -> assertThat(metrics)
                        .containsPattern("kvasir_admission_rejected_total\\{[^}]*reason=\"rate_limit\",tenant=\"burst-flood\"} 5.0")
                        .containsPattern("kvasir_tenant_tokens_total\\{[^}]*tenant=\"burst-calm\"}"));
    }

    @Test
    void aRaisedConcurrencyLimitLetsAWaitingRequestInAtOnce() {
        createTenant(http, "{\"id\":\"limits-change\",\"name\":\"Limits\",\"limits\":{\"max_concurrent\":1,\"max_queued\":2}}");
        Permit first = admit("limits-change").block(Duration.ofSeconds(10));
        List<Permit> second = new ArrayList<>();
        admit("limits-change").subscribe(second::add);
        assertThat(second).isEmpty();

        asAdmin(http).patch().uri("/admin/api/tenants/limits-change").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"limits\":{\"max_concurrent\":2}}").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.limits.max_concurrent").isEqualTo(2);
        // The change reaches admission through the directory: the next admission applies it, which lets the
        // waiter in; the newcomer then waits for the next free slot.
        directory.find("limits-change").block(Duration.ofSeconds(10));
        List<Permit> third = new ArrayList<>();
        admit("limits-change").subscribe(third::add);
        assertThat(second).hasSize(1);
        assertThat(third).isEmpty();
        first.release();
        assertThat(third).hasSize(1);
        second.get(0).release();
        third.get(0).release();
    }

    /** Admits, records usage and ends one request, as an API handler does. */
    private void serve(String tenantId, int promptTokens, int completionTokens) {
        Permit permit = admit(tenantId).block(Duration.ofSeconds(10));
        assertThat(permit).isNotNull();
        permit.recordTokens(promptTokens, completionTokens);
        permit.release();
    }

    /**
     * Admission for a tenant as the API handlers call it. The tenant is looked up first, so that admission's own
     * lookup hits the directory's cache and a request that is not refused or queued is admitted synchronously.
     */
    private Mono<Permit> admit(String tenantId) {
        TenantRecord tenant = directory.find(tenantId).block(Duration.ofSeconds(10));
        assertThat(tenant).isNotNull();
        return admission.admit(tenant.toTenant(), MODEL, 10, 10);
    }

    private WebTestClient.ResponseSpec usage(String key, String query) {
        return http.get().uri("/v1/usage" + query).header(HttpHeaders.AUTHORIZATION, "Bearer " + key).exchange();
    }

}
