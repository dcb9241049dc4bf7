package io.kvasir.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvasir.gateway.testsupport.RawHttp;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The admin filter lets reads of the console's static paths through without credentials (here the console jar is
 * absent, so they answer 404 saying so) and guards everything else under {@code /admin} as before.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ConsoleAccessIntegrationTest {

    @LocalServerPort
    int port;

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
}
