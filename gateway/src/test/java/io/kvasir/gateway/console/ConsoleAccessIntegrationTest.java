package io.kvasir.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvasir.gateway.testing.GatewayTestBase;
import io.kvasir.gateway.testing.RawHttp;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The admin filter lets reads of the console's static paths through without credentials (here the console jar is
 * absent, so they answer 404 saying so) and guards everything else under {@code /admin} as before.
 */
class ConsoleAccessIntegrationTest extends GatewayTestBase {

    @Test
    void readsOfTheConsolesStaticPathsNeedNoCredentials() throws Exception {
        assertThat(RawHttp.status(port, "GET", "/admin/")).isEqualTo(404);
        assertThat(RawHttp.status(port, "HEAD", "/admin/index.html")).isEqualTo(404);
        assertThat(RawHttp.status(port, "GET", "/admin/assets/index-abc123.js")).isEqualTo(404);
        assertThat(RawHttp.status(port, "GET", "/admin")).isEqualTo(308);
    }

    @Test
    void everythingElseUnderAdminStillNeedsAdminCredentials() throws Exception {
        assertThat(RawHttp.status(port, "POST", "/admin/")).isEqualTo(401);
        assertThat(RawHttp.status(port, "GET", "/admin/api/tenants")).isEqualTo(401);
        assertThat(RawHttp.status(port, "GET", "/admin/assets")).isEqualTo(401);
        assertThat(RawHttp.status(port, "GET", "/ADMIN/")).isEqualTo(401);
        assertThat(RawHttp.status(port, "GET", "/admin/Assets/index-abc123.js")).isEqualTo(401);
    }

    @Test
    void theConsolesCallsGetAChallengeTheBrowserDoesNotAnswerWithItsOwnDialog() {
        WebTestClient http = WebTestClient.bindToServer().baseUrl("http://localhost:" + port).build();
        http.get().uri("/admin/api/tenants").header("X-Requested-With", "XMLHttpRequest").exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().valueEquals(HttpHeaders.WWW_AUTHENTICATE, "KvasirAdmin realm=\"kvasir-admin\"");
        http.get().uri("/admin/api/tenants").exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"kvasir-admin\", charset=\"UTF-8\"");
    }
}
