package io.kvasir.gateway.testing;

import io.kvasir.engine.model.synth.EmbeddedModel;
import io.kvasir.engine.testing.SharedFiles;
import io.kvasir.gateway.engine.ModelCatalog;
import io.kvasir.gateway.engine.ModelEngine;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.netty.http.client.HttpClient;

/**
 * The running gateway for HTTP tests, shared by every test class that extends this one with the same properties
 * (one Spring context): {@code stories260K} from the shared models directory and the embedded default model, each
 * with a small KV cache, a second instance of the embedded model that prefills two tokens per step, the
 * {@link TestModels}; an in-memory store ({@link InMemoryStoreForTests}) whose first start created the admin
 * ({@link #ADMIN_PASSWORD}) and the demo tenant with the key {@link #DEMO_KEY}. Every API request goes through the
 * real authentication and admission: tests send the demo key, or the key of a tenant they create through the
 * admin API ({@link #createTenant}).
 *
 * <p>The failure throttle counts per client address: tests that send wrong credentials do it from a loopback
 * address of their own ({@link #newClient()}), so they never slow or lock out the others, which use 127.0.0.1.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "kvasir.api.heartbeat-interval=200ms",
        "kvasir.server.drain-grace-period=1500ms",
        "kvasir.bootstrap.admin-password=" + GatewayTestBase.ADMIN_PASSWORD,
        "kvasir.bootstrap.demo-tenant-key=" + GatewayTestBase.DEMO_KEY,
        "kvasir.auth.failures.free-attempts=2",
        "kvasir.auth.failures.base-delay=1ms",
        "kvasir.auth.failures.lockout-after=6",
        "kvasir.tenants.usage-flush-interval=1h"})
@Import(TestModels.class)
public abstract class GatewayTestBase {

    /** The served name of stories260K. */
    public static final String STORIES = "stories260K";
    /** The served name of the embedded default model. */
    public static final String EMBEDDED = "kvasir-tiny-q8_0";
    /** The embedded model again, prefilling two tokens per step, so a long prompt takes hundreds of steps. */
    public static final String SLOW_PREFILL = "tiny-slow-prefill";

    public static final String ADMIN_PASSWORD = "admin-secret-for-tests";
    /** The demo tenant's key, given to the first start as {@code KVASIR_DEMO_TENANT_KEY} would be. */
    public static final String DEMO_KEY = "kv-DemoKeyForTheSecurityIntegrationTest0001";
    /** The demo tenant's id. */
    public static final String DEMO_TENANT = "demo";

    private static final AtomicInteger nextClient = new AtomicInteger(1);

    @LocalServerPort
    protected int port;

    @Autowired
    protected ModelCatalog catalog;

    @Autowired
    protected MeterRegistry meters;

    @DynamicPropertySource
    static void models(DynamicPropertyRegistry registry) {
        Path stories = SharedFiles.require("models/stories260K.gguf");
        Path embedded;
        try {
            embedded = EmbeddedModel.ensure();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // indexed properties bind from one source only: every model setting is here
        registry.add("kvasir.model-dirs[0]", () -> stories.getParent().toString());
        registry.add("kvasir.model-dirs[1]", () -> embedded.getParent().toString());
        registry.add("kvasir.models[0].file", () -> stories.getFileName().toString());
        registry.add("kvasir.models[0].kv-cache-memory", () -> "8MB");
        registry.add("kvasir.models[0].threads", () -> "1");
        registry.add("kvasir.models[1].file", embedded::toString);
        registry.add("kvasir.models[1].kv-cache-memory", () -> "16MB");
        registry.add("kvasir.models[1].threads", () -> "1");
        registry.add("kvasir.models[2].file", embedded::toString);
        registry.add("kvasir.models[2].name", () -> SLOW_PREFILL);
        registry.add("kvasir.models[2].kv-cache-memory", () -> "8MB");
        registry.add("kvasir.models[2].threads", () -> "1");
        registry.add("kvasir.models[2].max-batch-tokens", () -> "2");
        registry.add("kvasir.models[2].max-running-requests", () -> "2");
    }

    protected ModelEngine engine(String name) {
        return catalog.find(name).orElseThrow();
    }

    /** Waits (up to 20 s) until the condition holds; for effects that follow a response asynchronously. */
    public static void awaitTrue(BooleanSupplier condition, String what) {
        io.kvasir.engine.testing.Await.until(Duration.ofSeconds(20), what, condition);
    }

    protected String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** A blocking client sending the demo tenant's key. */
    protected Http http() {
        return new Http(baseUrl(), DEMO_KEY);
    }

    // ---- admission, as its gauges show it

    /**
     * The admission gauge {@code name} ({@code kvasir.admission.in_flight} or {@code .waiting} per tenant,
     * {@code .queued} per model) summed over the series with these tags (key, value, ...); no tags: all of them.
     */
    protected int admissionGauge(String name, String... tags) {
        return (int) meters.find(name).tags(tags).gauges().stream().mapToDouble(Gauge::value).sum();
    }

    /**
     * Waits until admission holds nothing: no permit in flight and no request waiting for any tenant, no request
     * in any model's queue (RELIABILITY.md: permits and queue slots back to their baseline).
     */
    protected void awaitAdmissionIdle() {
        awaitTrue(() -> admissionGauge("kvasir.admission.in_flight") == 0
                        && admissionGauge("kvasir.admission.waiting") == 0
                        && admissionGauge("kvasir.admission.queued") == 0,
                "every admission permit and queue place is given back");
    }

    // ---- reactive clients, tenants and the admin API

    /** A client on a loopback address no other test used (for tests that send wrong credentials). */
    protected WebTestClient newClient() {
        return clientFrom("127.0.1." + nextClient.getAndIncrement());
    }

    protected WebTestClient clientFrom(String address) {
        HttpClient fromAddress = HttpClient.create().bindAddress(() -> new InetSocketAddress(address, 0));
        return WebTestClient.bindToServer(new ReactorClientHttpConnector(fromAddress))
                .baseUrl("http://localhost:" + port).responseTimeout(Duration.ofSeconds(60)).build();
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

    /** Creates a tenant through the admin API and returns its key. */
    protected String createTenantKey(String json) {
        return secretOf(createTenant(clientFrom("127.0.0.1"), json));
    }

    protected static String secretOf(Map<?, ?> created) {
        return (String) ((Map<?, ?>) created.get("key")).get("secret");
    }

    protected static String basic(String name, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((name + ":" + password).getBytes());
    }
}
