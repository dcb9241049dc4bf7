package io.kvasir.gateway.testsupport;

import java.net.InetSocketAddress;
import java.util.Base64;
import java.util.Map;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.netty.http.client.HttpClient;

/**
 * The running gateway on the embedded (in-memory) store with a known admin password and demo key; subclasses
 * share one application context. Clients connect from a loopback address of their choosing, so the failure
 * throttle of one test does not lock out another.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "kvasir.bootstrap.admin-password=" + GatewayIntegrationTest.ADMIN_PASSWORD,
        "kvasir.bootstrap.demo-tenant-key=" + GatewayIntegrationTest.DEMO_KEY,
        "kvasir.auth.failures.free-attempts=2",
        "kvasir.auth.failures.base-delay=1ms",
        "kvasir.auth.failures.lockout-after=6",
        "kvasir.tenants.usage-flush-interval=1h"})
public abstract class GatewayIntegrationTest {

    public static final String ADMIN_PASSWORD = "admin-secret-for-tests";
    public static final String DEMO_KEY = "kv-DemoKeyForTheSecurityIntegrationTest0001";
    private static int nextClient = 1;

    @LocalServerPort
    protected int port;

    /** A client on a loopback address no other test used. */
    protected WebTestClient newClient() {
        return clientFrom("127.0.1." + nextClient++);
    }

    protected WebTestClient clientFrom(String address) {
        HttpClient fromAddress = HttpClient.create().bindAddress(() -> new InetSocketAddress(address, 0));
        return WebTestClient.bindToServer(new ReactorClientHttpConnector(fromAddress))
                .baseUrl("http://localhost:" + port).build();
    }

    /** {@code http} with the admin's credentials. */
    protected static WebTestClient asAdmin(WebTestClient http) {
        return http.mutate().defaultHeader(HttpHeaders.AUTHORIZATION, basic("admin", ADMIN_PASSWORD)).build();
    }

    /** Creates a tenant through the admin API; returns the response ({@code tenant}, {@code key.secret}). */
    protected static Map<?, ?> createTenant(WebTestClient http, String json) {
        return asAdmin(http).post().uri("/admin/api/tenants").contentType(MediaType.APPLICATION_JSON).bodyValue(json)
                .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
    }

    protected static String secretOf(Map<?, ?> created) {
        return (String) ((Map<?, ?>) created.get("key")).get("secret");
    }

    protected static String basic(String name, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((name + ":" + password).getBytes());
    }
}
