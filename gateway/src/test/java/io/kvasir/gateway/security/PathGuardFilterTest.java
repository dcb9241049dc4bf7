package io.kvasir.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** RELIABILITY.md item 16: path tricks are refused before any routing or authentication decision. */
class PathGuardFilterTest {

    @ParameterizedTest
    @ValueSource(strings = {"/v1/../admin/api/tenants", "/v1/./models", "/admin/api/..", "//admin/api/tenants",
            "/v1//models", "/v1%2F..%2Fadmin/api/tenants", "/admin%2fapi/tenants", "/v1/%2e%2e/admin",
            "/v1/%2E./admin", "/v1/%252e%252e/admin", "/admin;x=1/api/tenants", "/admin/api/tenants;jsessionid=1",
            "/v1\\..\\admin", "/v1/%5c../admin", "/v1/models%00", "/admin%3bx/api"})
    void refusesPathTricks(String rawPath) {
        assertThat(PathGuardFilter.problemWith(rawPath)).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/chat/completions", "/v1/models", "/v1/models/kvasir-tiny-q8_0", "/admin/api/tenants",
            "/admin/api/tenants/acme-corp/keys", "/tokenize", "/actuator/health/readiness", "/", "/v1/models/a.b",
            "/v1/models/..x", "/%E2%9C%93"})
    void letsPlainPathsThrough(String rawPath) {
        assertThat(PathGuardFilter.problemWith(rawPath)).isNull();
    }
}
