package io.kvasir.gateway.admin;

import io.kvasir.gateway.security.AdminAuthenticator;
import io.kvasir.gateway.store.AdminUserRecord;
import io.kvasir.gateway.store.AdminUserRepository;
import io.kvasir.gateway.testing.GatewayTestBase;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import tools.jackson.databind.json.JsonMapper;

/**
 * The admin API tests' view of the shared test gateway ({@link GatewayTestBase}: stories260K, the embedded model,
 * in-memory store, admin and demo key): two more admins, {@code alice} and {@code bob}, and helpers for profiles
 * and models. Each test loads its own models through the API so that their versions do not mix with another
 * test's; the strategies report is read from its default place, {@code target/eval/strategies.json}.
 */
abstract class AdminApiTestBase extends GatewayTestBase {

    static final String TENANT_KEY = DEMO_KEY;
    static final Path STRATEGIES_REPORT = Path.of("target", "eval", "strategies.json");
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final Duration TIMEOUT = Duration.ofSeconds(120);
    /** Pooled connections are dropped before the server closes them as idle (10 s), so none is reused as it closes. */
    private static final ConnectionProvider CONNECTIONS = ConnectionProvider.builder("admin-api-tests")
            .maxIdleTime(Duration.ofSeconds(5)).build();

    @Autowired
    AdminUserRepository adminUsers;
    @Autowired
    AdminAuthenticator authenticator;
    private WebTestClient http;

    @BeforeEach
    void connectAndEnsureAdmins() {
        http = WebTestClient.bindToServer(new ReactorClientHttpConnector(HttpClient.create(CONNECTIONS)))
                .baseUrl(baseUrl()).responseTimeout(TIMEOUT).build();
        for (String name : List.of("alice", "bob")) {
            if (adminUsers.findByName(name).blockOptional(TIMEOUT).isEmpty()) {
                Instant now = Instant.now();
                adminUsers.insert(new AdminUserRecord(name, authenticator.hasher().hash(name + "-password"), now, now))
                        .block(TIMEOUT);
            }
        }
    }

    /** This test's client, without credentials. */
    WebTestClient anonymous() {
        return http;
    }

    /** This test's client as the bootstrap admin. */
    WebTestClient admin() {
        return asAdmin(http);
    }

    /** This test's client as {@code alice} or {@code bob}. */
    WebTestClient as(String name) {
        return http.mutate().defaultHeader(HttpHeaders.AUTHORIZATION, basic(name, name + "-password")).build();
    }

    /** A small stories260K profile with {@code codec}: one thread, 8 MiB of KV. */
    static Map<String, Object> profile(String codec) {
        Map<String, Object> plugins = new LinkedHashMap<>();
        plugins.put("codec", Map.of("name", codec));
        Map<String, Object> profile = new LinkedHashMap<>();
        profile.put("modelFile", "stories260K.gguf");
        profile.put("plugins", plugins);
        profile.put("kvCacheBytes", 8L << 20);
        profile.put("threads", 1);
        profile.put("maxRunningRequests", 8);
        profile.put("maxWaitingRequests", 64);
        return profile;
    }

    /** {@code profile} with one plugin of the kind {@code slot} replaced. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> withPlugin(Map<String, Object> profile, String slot, String name, Map<String, Object> config) {
        Map<String, Object> copy = new LinkedHashMap<>(profile);
        Map<String, Object> plugins = new LinkedHashMap<>((Map<String, Object>) profile.get("plugins"));
        plugins.put(slot, Map.of("name", name, "config", config));
        copy.put("plugins", plugins);
        return copy;
    }

    /** {@code profile} with one field replaced. */
    static Map<String, Object> with(Map<String, Object> profile, String field, Object value) {
        Map<String, Object> copy = new LinkedHashMap<>(profile);
        copy.put(field, value);
        return copy;
    }

    static String json(Object value) {
        return JSON.writeValueAsString(value);
    }

    /** Loads a model through the API and returns the response. */
    Map<?, ?> load(String name, Map<String, Object> profile) {
        return admin().post().uri("/admin/api/models").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(json(Map.of("name", name, "profile", profile))).exchange()
                .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
    }

    void unload(String name) {
        admin().delete().uri("/admin/api/models/{name}", name).exchange().expectStatus().isNoContent();
    }

    /** PUTs a profile made against {@code version}. */
    WebTestClient.ResponseSpec put(WebTestClient client, String model, long version, Map<String, Object> profile) {
        return client.put().uri("/admin/api/models/{name}/profile", model).header(HttpHeaders.IF_MATCH, "\"" + version + "\"")
                .contentType(MediaType.APPLICATION_JSON).bodyValue(json(profile)).exchange();
    }

    /** The audit records of one model, newest first. */
    List<Map<?, ?>> auditOf(String model) {
        Map<?, ?> audit = admin().get().uri("/admin/api/audit?limit=1000").exchange().expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody();
        @SuppressWarnings("unchecked")
        List<Map<?, ?>> records = (List<Map<?, ?>>) audit.get("data");
        return records.stream().filter(r -> ("model:" + model).equals(r.get("target"))).toList();
    }
}
