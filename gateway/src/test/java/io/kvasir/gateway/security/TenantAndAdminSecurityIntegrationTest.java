package io.kvasir.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvasir.gateway.testing.GatewayTestBase;
import io.kvasir.gateway.testing.RawHttp;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * RELIABILITY.md items 14 (tenant keys) and 16 (the admin surface) against the running gateway. Each test connects
 * from its own loopback address (127.0.1.N) so the failure throttle of one does not lock out another.
 */
class TenantAndAdminSecurityIntegrationTest extends GatewayTestBase {

    private WebTestClient http;

    @BeforeEach
    void connect() {
        http = newClient();
    }

    // ---- RELIABILITY.md item 14: no key, wrong key, near-miss key → 401 in OpenAI's shape.

    @Test
    void noKeyIsRefusedWith401InOpenAiShape() {
        http.get().uri("/v1/usage").exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"kvasir\"")
                .expectBody()
                .jsonPath("$.error.code").isEqualTo("invalid_api_key")
                .jsonPath("$.error.type").isEqualTo("invalid_request_error")
                .jsonPath("$.error.message").isNotEmpty()
                .jsonPath("$.error.param").doesNotExist();
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aChatCompletionWithoutAValidKeyIs401WithABearerChallengeStreamingOrNot(boolean stream) {
        String body = "{\"model\":\"stories260K\",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        for (String key : new String[] {null, "kv-ThisKeyIsWellFormedButNobodyWasEverIssuedIt0"}) {
            WebTestClient.RequestBodySpec request = http.post().uri("/v1/chat/completions")
                    .contentType(MediaType.APPLICATION_JSON);
            if (key != null) {
                request.header(HttpHeaders.AUTHORIZATION, "Bearer " + key);
            }
            request.bodyValue(body).exchange()
                    .expectStatus().isUnauthorized()
                    .expectHeader().valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"kvasir\"")
                    .expectHeader().contentType(MediaType.APPLICATION_JSON)
                    .expectBody()
                    .jsonPath("$.error.code").isEqualTo("invalid_api_key")
                    .jsonPath("$.error.type").isEqualTo("invalid_request_error")
                    .jsonPath("$.error.message").isNotEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"kv-ThisKeyIsWellFormedButNobodyWasEverIssuedIt0", "not-a-key", "Basic abc",
            DEMO_KEY + "x", "kv-DemoKeyForTheSecurityIntegrationTest0002", "kv-demoKeyForTheSecurityIntegrationTest0001"})
    void wrongAndNearMissKeysAreRefusedWith401(String key) {
        http.get().uri("/v1/usage").header(HttpHeaders.AUTHORIZATION, "Bearer " + key)
                .exchange().expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.error.code").isEqualTo("invalid_api_key");
    }

    @Test
    void theDemoKeyFromTheEnvironmentAuthenticates() {
        http.get().uri("/v1/usage").header(HttpHeaders.AUTHORIZATION, "Bearer " + DEMO_KEY)
                .exchange().expectStatus().isOk().expectBody().jsonPath("$.tenant_id").isEqualTo("demo");
    }

    @Test
    void everyPathOutsideThePublicOnesNeedsAKey() {
        http.get().uri("/v1/models").exchange().expectStatus().isUnauthorized();
        http.get().uri("/no-such-thing").exchange().expectStatus().isUnauthorized();
        http.get().uri("/actuator/health").exchange().expectStatus().isOk();
        http.get().uri("/actuator/prometheus").exchange().expectStatus().isOk();
    }

    @Test
    void repeatedFailuresFromOneAddressEndIn429WithRetryAfterEvenForAValidKey() {
        for (int i = 0; i < 6; i++) {
            http.get().uri("/v1/usage")
                    .header(HttpHeaders.AUTHORIZATION, "Bearer kv-WrongWrongWrongWrongWrongWrongWrong" + i)
                    .exchange().expectStatus().isUnauthorized();
        }
        http.get().uri("/v1/usage").header(HttpHeaders.AUTHORIZATION, "Bearer " + DEMO_KEY)
                .exchange().expectStatus().isEqualTo(429)
                .expectHeader().value(HttpHeaders.RETRY_AFTER, v -> assertThat(Long.parseLong(v)).isBetween(1L, 300L))
                .expectBody().jsonPath("$.error.code").isEqualTo("too_many_auth_failures");
        // Another address is unaffected.
        clientFrom("127.0.2.1").get().uri("/v1/usage").header(HttpHeaders.AUTHORIZATION, "Bearer " + DEMO_KEY)
                .exchange().expectStatus().isOk();
    }

    @Test
    void aRevokedKeyIsRefusedAtOnceAndARotatedKeyWorks() {
        Map<?, ?> created = createTenant("{\"name\":\"Rotation Test\"}");
        String firstKey = secretOf(created);
        String tenantId = (String) ((Map<?, ?>) created.get("tenant")).get("id");
        usage(firstKey).expectStatus().isOk();

        Map<?, ?> rotated = admin().post().uri("/admin/api/tenants/{id}/keys", tenantId)
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"revoke_existing\":true}")
                .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
        String secondKey = (String) rotated.get("secret");
        usage(firstKey).expectStatus().isUnauthorized();
        usage(secondKey).expectStatus().isOk();

        admin().delete().uri("/admin/api/keys/{id}", rotated.get("id")).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.revoked_at").isNotEmpty();
        usage(secondKey).expectStatus().isUnauthorized();
        admin().delete().uri("/admin/api/keys/{id}", "key_doesnotexist").exchange().expectStatus().isNotFound()
                .expectBody().jsonPath("$.error.code").isEqualTo("key_not_found");
    }

    @Test
    void aDisabledTenantsKeyIsRefusedWith403() {
        Map<?, ?> created = createTenant("{\"name\":\"Disable Test\"}");
        String key = secretOf(created);
        admin().patch().uri("/admin/api/tenants/disable-test").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"disabled\":true}").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.disabled").isEqualTo(true).jsonPath("$.version").isEqualTo(1);
        usage(key).expectStatus().isForbidden().expectBody().jsonPath("$.error.code").isEqualTo("tenant_disabled");
    }

    // ---- RELIABILITY.md item 16: the admin surface.

    @Test
    void adminWithoutCredentialsIs401WithABasicChallenge() {
        http.get().uri("/admin/api/tenants").exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().value(HttpHeaders.WWW_AUTHENTICATE, v -> assertThat(v).startsWith("Basic realm="))
                .expectBody().jsonPath("$.error.code").isEqualTo("invalid_admin_credentials");
    }

    @Test
    void aTenantKeyNeverOpensTheAdminApi() {
        http.get().uri("/admin/api/tenants")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + DEMO_KEY).exchange()
                .expectStatus().isForbidden().expectBody().jsonPath("$.error.code").isEqualTo("admin_credentials_required");
        // Same answer for a key that does not exist: the admin API is no oracle for keys.
        http.get().uri("/admin/api/tenants")
                .header(HttpHeaders.AUTHORIZATION, "Bearer kv-NoSuchKeyNoSuchKeyNoSuchKeyNoSuchKey00").exchange()
                .expectStatus().isForbidden();
        // A tenant key sent as Basic credentials is just a wrong password.
        http.get().uri("/admin/api/tenants")
                .header(HttpHeaders.AUTHORIZATION, basic("demo", DEMO_KEY)).exchange().expectStatus().isUnauthorized();
    }

    @Test
    void aWrongAdminPasswordIs401AndTheRightOneWorks() {
        http.get().uri("/admin/api/tenants")
                .header(HttpHeaders.AUTHORIZATION, basic("admin", ADMIN_PASSWORD + "!")).exchange()
                .expectStatus().isUnauthorized();
        http.get().uri("/admin/api/tenants")
                .header(HttpHeaders.AUTHORIZATION, basic("nobody", ADMIN_PASSWORD)).exchange()
                .expectStatus().isUnauthorized();
        admin().get().uri("/admin/api/tenants").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.object").isEqualTo("list").jsonPath("$.data[?(@.id == 'demo')]").exists();
    }

    @Test
    void crossOriginUnsafeAdminRequestsAreRefusedSameOriginOnesPass() {
        admin().post().uri("/admin/api/tenants").header(HttpHeaders.ORIGIN, "https://evil.example")
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"name\":\"Evil\"}")
                .exchange().expectStatus().isForbidden()
                .expectBody().jsonPath("$.error.code").isEqualTo("cross_origin_request");
        admin().post().uri("/admin/api/tenants").header(HttpHeaders.ORIGIN, "null")
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"name\":\"Evil\"}").exchange().expectStatus().isForbidden();
        admin().post().uri("/admin/api/tenants").header("Sec-Fetch-Site", "cross-site")
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"name\":\"Evil\"}").exchange().expectStatus().isForbidden();
        admin().get().uri("/admin/api/tenants/evil").exchange().expectStatus().isNotFound();
        admin().post().uri("/admin/api/tenants").header(HttpHeaders.ORIGIN, "http://localhost:" + port)
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"name\":\"Same Origin\"}").exchange()
                .expectStatus().isCreated();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/../admin/api/tenants", "//admin/api/tenants", "/v1/..%2Fadmin/api/tenants",
            "/admin%2Fapi/tenants", "/v1/%2e%2e/admin/api/tenants", "/admin/api/tenants;x=1", "/v1/./usage"})
    void pathTricksNeverReachTheAdminApi(String rawPath) throws Exception {
        assertThat(RawHttp.status(port, "GET", rawPath, "Authorization: Bearer " + DEMO_KEY)).isEqualTo(400);
        assertThat(RawHttp.status(port, "GET", rawPath)).isEqualTo(400);
    }

    @Test
    void theAdminPrefixIsMatchedInAnyLetterCase() throws Exception {
        assertThat(RawHttp.status(port, "GET", "/ADMIN/api/tenants", "Authorization: Bearer " + DEMO_KEY)).isEqualTo(403);
        assertThat(RawHttp.status(port, "GET", "/Admin/api/tenants")).isEqualTo(401);
    }

    @Test
    void adminChangesAreAuditedWithWhoWhenBeforeAndAfter() {
        createTenant("{\"name\":\"Audit Test\",\"weight\":2}");
        admin().patch().uri("/admin/api/tenants/audit-test").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"weight\":3,\"version\":0}").exchange().expectStatus().isOk();
        admin().patch().uri("/admin/api/tenants/audit-test").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"weight\":4,\"version\":0}").exchange().expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.error.code").isEqualTo("version_conflict");
        admin().get().uri("/admin/api/audit?limit=1000").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.data[?(@.action == 'tenant.update' && @.target == 'tenant:audit-test')].actor").isEqualTo("admin")
                .jsonPath("$.data[?(@.action == 'tenant.update' && @.target == 'tenant:audit-test')].before.weight").isEqualTo(2.0)
                .jsonPath("$.data[?(@.action == 'tenant.update' && @.target == 'tenant:audit-test')].after.weight").isEqualTo(3.0)
                .jsonPath("$.data[?(@.action == 'tenant.create' && @.target == 'tenant:audit-test')].occurred_at").isNotEmpty();
    }

    @Test
    void invalidAdminInputGets400NamingTheParameter() {
        admin().post().uri("/admin/api/tenants").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"name\":\"Bad\",\"weight\":-1}").exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.param").isEqualTo("weight");
        admin().post().uri("/admin/api/tenants").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"name\":\"Bad\",\"limits\":{\"max_concurrent\":0}}").exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.param").isEqualTo("limits.max_concurrent");
        admin().post().uri("/admin/api/tenants").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"name\":").exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.type").isEqualTo("invalid_request_error");
        admin().post().uri("/admin/api/tenants").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"id\":\"demo\",\"name\":\"Again\"}").exchange().expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.error.code").isEqualTo("tenant_exists");
    }

    private WebTestClient admin() {
        return asAdmin(http);
    }

    private Map<?, ?> createTenant(String json) {
        return createTenant(http, json);
    }

    private WebTestClient.ResponseSpec usage(String key) {
        return http.get().uri("/v1/usage").header(HttpHeaders.AUTHORIZATION, "Bearer " + key).exchange();
    }
}
