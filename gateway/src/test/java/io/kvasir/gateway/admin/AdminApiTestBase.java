package io.kvasir.gateway.admin;

import io.kvasir.engine.testing.SharedFiles;
import io.kvasir.gateway.security.AdminAuthenticator;
import io.kvasir.gateway.store.AdminUserRecord;
import io.kvasir.gateway.store.AdminUserRepository;
import io.kvasir.gateway.testsupport.GatewayIntegrationTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
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
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * The running gateway ({@link GatewayIntegrationTest}: H2 store, known admin password and demo key) serving
 * stories260K as {@code stories}, with two more admins, {@code alice} and {@code bob}, and the strategies report
 * read from a temporary file. Subclasses share one application context; each test loads its own models through
 * the API so that their versions do not mix.
 */
@TestPropertySource(properties = {
        // Longer than any test: an idle pooled connection closed by the server as a client reuses it resets.
        "kvasir.server.request-head-timeout=5m",
        "kvasir.models[0].name=stories", "kvasir.models[0].file=stories260K.gguf",
        "kvasir.models[0].threads=1", "kvasir.models[0].kv-cache-memory=8MB", "kvasir.models[0].context-length=256",
        "kvasir.models[0].max-running-requests=8", "kvasir.models[0].max-waiting-requests=64"})
abstract class AdminApiTestBase extends GatewayIntegrationTest {

    static final String TENANT_KEY = DEMO_KEY;
    static final Path MODEL_DIR = SharedFiles.require("models/stories260K.gguf").getParent();
    static final Path STRATEGIES_REPORT = temporaryDirectory().resolve("strategies.json");
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final Duration TIMEOUT = Duration.ofSeconds(120);

    private WebTestClient http;
    @Autowired
    AdminUserRepository adminUsers;
    @Autowired
    AdminAuthenticator authenticator;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("kvasir.model-dirs[0]", MODEL_DIR::toString);
        registry.add("kvasir.admin.strategies-report", STRATEGIES_REPORT::toString);
    }

    private static Path temporaryDirectory() {
        try {
            Path dir = Files.createTempDirectory("kvasir-admin-api-test");
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @BeforeEach
    void connectAndEnsureAdmins() {
        http = newClient().mutate().responseTimeout(TIMEOUT).build();
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

    /** A small stories260K profile with {@code codec}: one thread, 8 MiB of KV, 256 tokens of context. */
    static Map<String, Object> profile(String codec) {
        Map<String, Object> plugins = new LinkedHashMap<>();
        plugins.put("codec", Map.of("name", codec));
        Map<String, Object> profile = new LinkedHashMap<>();
        profile.put("modelFile", "stories260K.gguf");
        profile.put("plugins", plugins);
        profile.put("kvCacheBytes", 8L << 20);
        profile.put("threads", 1);
        profile.put("contextLength", 256);
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
