package io.kvasir.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The models and profiles admin API against the running gateway: load and unload, read, validate, diff, apply,
 * history and rollback; versions, no-ops, 409 on a stale version and the audit trail (RELIABILITY.md item 17).
 */
class AdminProfilesApiTest extends AdminApiTestBase {

    @Test
    void theConfiguredModelIsListedWithItsInstanceAndTheVersionItsPropertiesBecame() {
        admin().get().uri("/admin/api/models").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$[?(@.name == 'stories260K')].architecture").isEqualTo("llama")
                .jsonPath("$[?(@.name == 'stories260K')].contextLength").isEqualTo(128)
                .jsonPath("$[?(@.name == 'stories260K')].profileVersion").isEqualTo(1)
                .jsonPath("$[?(@.name == 'stories260K')].instances[0].state").isEqualTo("serving");
        admin().get().uri("/admin/api/models/stories260K/profile").exchange().expectStatus().isOk()
                .expectHeader().valueEquals(HttpHeaders.ETAG, "\"1\"")
                .expectBody()
                .jsonPath("$.model").isEqualTo(STORIES)
                .jsonPath("$.version").isEqualTo(1)
                .jsonPath("$.change").isEqualTo("initial")
                .jsonPath("$.updatedBy").isEqualTo("kvasir")
                .jsonPath("$.updatedAt").isNotEmpty()
                .jsonPath("$.profile.modelFile").isEqualTo("stories260K.gguf")
                .jsonPath("$.profile.kvCacheBytes").isEqualTo(8 << 20)
                .jsonPath("$.profile.plugins.scheduling.name").isEqualTo("vtc")
                .jsonPath("$.profile.plugins.codec.config").isMap();
        admin().get().uri("/admin/api/models/nope/profile").exchange().expectStatus().isNotFound()
                .expectBody().jsonPath("$.error.code").isEqualTo("model_not_found");
    }

    @Test
    void aModelLoadsAndUnloadsThroughTheApiAndBothAreAudited() {
        Map<?, ?> loaded = load("loaded-1", profile("f16"));
        assertThat(loaded.get("name")).isEqualTo("loaded-1");
        assertThat(loaded.get("profileVersion")).isEqualTo(1);
        admin().get().uri("/admin/api/models/loaded-1").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.instances.length()").isEqualTo(1);
        admin().post().uri("/admin/api/models").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(json(Map.of("name", "loaded-1", "profile", profile("f32")))).exchange()
                .expectStatus().isEqualTo(409).expectBody().jsonPath("$.error.code").isEqualTo("model_exists");
        admin().get().uri("/admin/api/models/loaded-1/profile/history").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.length()").isEqualTo(1)
                .jsonPath("$[0].change").isEqualTo("load")
                .jsonPath("$[0].profile.plugins.codec.name").isEqualTo("f16");

        unload("loaded-1");
        admin().get().uri("/admin/api/models/loaded-1").exchange().expectStatus().isNotFound();
        admin().delete().uri("/admin/api/models/loaded-1").exchange().expectStatus().isNotFound();
        // Loaded again, the model continues its history.
        assertThat(load("loaded-1", profile("f32")).get("profileVersion")).isEqualTo(2);
        unload("loaded-1");

        assertThat(values(auditOf("loaded-1"), "action")).containsExactly("model.unload", "model.load", "model.unload", "model.load");
        assertThat(auditOf("loaded-1")).allSatisfy(r -> assertThat(r.get("actor")).isEqualTo("admin"));
    }

    @Test
    void loadingRefusesBadNamesAndProfilesNamingTheField() {
        admin().post().uri("/admin/api/models").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(json(Map.of("name", "bad/name", "profile", profile("f32")))).exchange()
                .expectStatus().isBadRequest().expectBody().jsonPath("$.error.param").isEqualTo("name");
        admin().post().uri("/admin/api/models").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(json(Map.of("name", "bad-profile", "profile", with(profile("f32"), "modelFile", "../../etc/passwd"))))
                .exchange().expectStatus().isBadRequest().expectBody()
                .jsonPath("$.error.code").isEqualTo("invalid_profile")
                .jsonPath("$.error.param").isEqualTo("modelFile")
                .jsonPath("$.error.problems[0].field").isEqualTo("modelFile");
        // Valid, but one full context does not fit in 1 KiB of KV memory: the engine refuses it at start.
        admin().post().uri("/admin/api/models").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(json(Map.of("name", "too-small", "profile", with(profile("f32"), "kvCacheBytes", 1024)))).exchange()
                .expectStatus().isBadRequest().expectBody().jsonPath("$.error.code").isEqualTo("apply_failed")
                .jsonPath("$.error.message").value(m -> assertThat((String) m).contains("raise kvCacheBytes"));
        admin().post().uri("/admin/api/models").contentType(MediaType.APPLICATION_JSON).bodyValue("{\"profile\":")
                .exchange().expectStatus().isBadRequest().expectBody().jsonPath("$.error.type").isEqualTo("invalid_request_error");
        admin().post().uri("/admin/api/models").contentType(MediaType.APPLICATION_JSON).bodyValue("{\"model\":\"x\"}")
                .exchange().expectStatus().isBadRequest().expectBody().jsonPath("$.error.param").isEqualTo("model");
        admin().get().uri("/admin/api/models/bad-profile").exchange().expectStatus().isNotFound();
        admin().get().uri("/admin/api/models/too-small").exchange().expectStatus().isNotFound();
        assertThat(auditOf("too-small")).isEmpty();
    }

    @Test
    void validationReportsEveryProblemEachNamingItsField() {
        String invalid = """
                {"modelFile": "missing.gguf", "blockSize": 0, "threads": "two", "colour": "red",
                 "plugins": {"codec": {"name": "int3"},
                             "eviction": {"name": "streaming", "config": {"budget_tokens": -5}}}}
                """;
        admin().post().uri("/admin/api/models/stories260K/profile/validate").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(invalid).exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.valid").isEqualTo(false)
                .jsonPath("$.problems[*].field").value(fields -> assertThat(list(fields)).containsExactlyInAnyOrder(
                        "colour", "threads", "modelFile", "blockSize", "plugins.codec",
                        "plugins.eviction.config.budget_tokens", "plugins.eviction"))
                .jsonPath("$.problems[?(@.field == 'plugins.codec')].message")
                .value(m -> assertThat(m.toString()).contains("unknown kv-codec plugin 'int3'").contains("int8"));
        admin().post().uri("/admin/api/models/stories260K/profile/validate").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(json(profile("int8"))).exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.valid").isEqualTo(true).jsonPath("$.problems.length()").isEqualTo(0);
        // Applying it is refused with the same problems, and nothing changes.
        put(admin(), STORIES, 1, with(profile("int8"), "blockSize", 0)).expectStatus().isBadRequest().expectBody()
                .jsonPath("$.error.code").isEqualTo("invalid_profile")
                .jsonPath("$.error.param").isEqualTo("blockSize")
                .jsonPath("$.error.problems[0].message").isEqualTo("must be in 1..1024, got 0");
        admin().get().uri("/admin/api/models/stories260K/profile").exchange().expectHeader().valueEquals(HttpHeaders.ETAG, "\"1\"");
    }

    @Test
    void aDiffSaysWhatChangesAndWhetherItNeedsANewInstance() {
        load("diff-1", profile("f32"));
        Map<String, Object> next = withPlugin(profile("int8"), "scheduling", "vtc", Map.of());
        admin().post().uri("/admin/api/models/diff-1/profile/diff").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(json(next)).exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.needsDrain").isEqualTo(true)
                .jsonPath("$.changes[?(@.field == 'plugins.codec')].effect").isEqualTo("drain")
                .jsonPath("$.changes[?(@.field == 'plugins.codec')].from.name").isEqualTo("f32")
                .jsonPath("$.changes[?(@.field == 'plugins.codec')].to.name").isEqualTo("int8")
                .jsonPath("$.changes[?(@.field == 'plugins.scheduling')].effect").isEqualTo("live");
        admin().post().uri("/admin/api/models/diff-1/profile/diff").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(json(with(profile("f32"), "maxWaitingRequests", 10))).exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.needsDrain").isEqualTo(false)
                .jsonPath("$.changes.length()").isEqualTo(1)
                .jsonPath("$.changes[0].field").isEqualTo("maxWaitingRequests")
                .jsonPath("$.changes[0].from").isEqualTo(64)
                .jsonPath("$.changes[0].to").isEqualTo(10);
        admin().post().uri("/admin/api/models/diff-1/profile/diff").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(json(with(profile("f32"), "maxWaitingRequests", -1))).exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.param").isEqualTo("maxWaitingRequests");
        unload("diff-1");
    }

    @Test
    void appliesMakeVersionsTheSamePutTwiceIsANoOpAndAStaleVersionGets409() {
        load("apply-1", profile("f32"));
        Map<String, Object> vtc = withPlugin(profile("f32"), "scheduling", "vtc", Map.of());
        put(as("alice"), "apply-1", 1, vtc).expectStatus().isOk()
                .expectHeader().valueEquals(HttpHeaders.ETAG, "\"2\"").expectBody()
                .jsonPath("$.version").isEqualTo(2)
                .jsonPath("$.outcome").isEqualTo("live")
                .jsonPath("$.needsDrain").isEqualTo(false)
                .jsonPath("$.change").isEqualTo("apply")
                .jsonPath("$.updatedBy").isEqualTo("alice")
                .jsonPath("$.changes[0].field").isEqualTo("plugins.scheduling");
        // The same PUT again: the same result, no new version, no audit record.
        put(as("alice"), "apply-1", 1, vtc).expectStatus().isOk()
                .expectHeader().valueEquals(HttpHeaders.ETAG, "\"2\"").expectBody()
                .jsonPath("$.version").isEqualTo(2)
                .jsonPath("$.outcome").isEqualTo("unchanged")
                .jsonPath("$.changes.length()").isEqualTo(0);
        // Another change made against version 1 is stale.
        Map<String, Object> int8 = withPlugin(profile("int8"), "scheduling", "vtc", Map.of());
        put(as("bob"), "apply-1", 1, int8).expectStatus().isEqualTo(409)
                .expectHeader().valueEquals(HttpHeaders.ETAG, "\"2\"").expectBody()
                .jsonPath("$.error.code").isEqualTo("stale_version")
                .jsonPath("$.error.param").isEqualTo("If-Match");
        put(as("bob"), "apply-1", 2, int8).expectStatus().isOk().expectBody()
                .jsonPath("$.version").isEqualTo(3)
                .jsonPath("$.outcome").isEqualTo("new_instance")
                .jsonPath("$.needsDrain").isEqualTo(true)
                .jsonPath("$.profile.plugins.codec.name").isEqualTo("int8");
        admin().put().uri("/admin/api/models/apply-1/profile").contentType(MediaType.APPLICATION_JSON).bodyValue(json(int8))
                .exchange().expectStatus().isEqualTo(428).expectBody().jsonPath("$.error.code").isEqualTo("version_required");
        admin().put().uri("/admin/api/models/apply-1/profile").header(HttpHeaders.IF_MATCH, "W/\"x\"")
                .contentType(MediaType.APPLICATION_JSON).bodyValue(json(int8)).exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.param").isEqualTo("If-Match");

        admin().get().uri("/admin/api/models/apply-1/profile/history").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$[*].version").value(v -> assertThat(list(v)).containsExactly(3, 2, 1))
                .jsonPath("$[*].change").value(v -> assertThat(list(v)).containsExactly("apply", "apply", "load"))
                .jsonPath("$[*].updatedBy").value(v -> assertThat(list(v)).containsExactly("bob", "alice", "admin"));
        admin().get().uri("/admin/api/models/apply-1/profile/history?limit=1").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.length()").isEqualTo(1);
        admin().get().uri("/admin/api/models/apply-1/profile/history?limit=0").exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.param").isEqualTo("limit");

        // One audit record per change, with who, when, the version before and the version after.
        List<Map<?, ?>> applies = auditOf("apply-1").stream().filter(r -> "profile.apply".equals(r.get("action"))).toList();
        assertThat(applies).hasSize(2);
        assertThat(values(applies, "actor")).containsExactly("bob", "alice");
        assertThat(applies).allSatisfy(r -> assertThat(r.get("occurred_at")).isNotNull());
        assertThat(version(applies.get(0), "before")).isEqualTo(2);
        assertThat(version(applies.get(0), "after")).isEqualTo(3);
        assertThat(codec(applies.get(0), "before")).isEqualTo("f32");
        assertThat(codec(applies.get(0), "after")).isEqualTo("int8");
        assertThat(version(applies.get(1), "before")).isEqualTo(1);
        assertThat(version(applies.get(1), "after")).isEqualTo(2);
        unload("apply-1");
    }

    @Test
    void twoAdminsChangingTheSameVersionAtOnceOneWinsTheOtherGets409() throws Exception {
        load("race-1", profile("f32"));
        int rounds = 6;
        List<String> winners = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
            for (int round = 0; round < rounds; round++) {
                long version = round + 1;
                CyclicBarrier start = new CyclicBarrier(2);
                int waitingLimit = 100 + 2 * round;
                Future<Integer> alice = pool.submit(() -> {
                    start.await(60, TimeUnit.SECONDS);
                    return status(put(as("alice"), "race-1", version, with(profile("f32"), "maxWaitingRequests", waitingLimit)));
                });
                Future<Integer> bob = pool.submit(() -> {
                    start.await(60, TimeUnit.SECONDS);
                    return status(put(as("bob"), "race-1", version, with(profile("f32"), "maxWaitingRequests", waitingLimit + 1)));
                });
                int a = alice.get(120, TimeUnit.SECONDS);
                int b = bob.get(120, TimeUnit.SECONDS);
                assertThat(List.of(a, b)).as("round %d", round).containsExactlyInAnyOrder(200, 409);
                winners.add(a == 200 ? "alice" : "bob");
            }
        }
        admin().get().uri("/admin/api/models/race-1/profile").exchange().expectHeader()
                .valueEquals(HttpHeaders.ETAG, "\"" + (rounds + 1) + "\"");
        // One record per change that took effect, naming its winner; none for the refused ones.
        List<Map<?, ?>> applies = auditOf("race-1").stream().filter(r -> "profile.apply".equals(r.get("action"))).toList();
        assertThat(values(applies, "actor")).containsExactlyElementsOf(winners.reversed());
        unload("race-1");
    }

    @Test
    void aRollbackPutsAnEarlierVersionBackAsANewVersion() {
        load("rollback-1", profile("f32"));
        put(admin(), "rollback-1", 1, profile("int8")).expectStatus().isOk();
        put(admin(), "rollback-1", 2, withPlugin(profile("int8"), "scheduling", "vtc", Map.of())).expectStatus().isOk();

        admin().post().uri("/admin/api/models/rollback-1/profile/rollback").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"version\":1}").exchange().expectStatus().isOk()
                .expectHeader().valueEquals(HttpHeaders.ETAG, "\"4\"").expectBody()
                .jsonPath("$.version").isEqualTo(4)
                .jsonPath("$.change").isEqualTo("rollback")
                .jsonPath("$.restoredVersion").isEqualTo(1)
                .jsonPath("$.outcome").isEqualTo("new_instance")
                .jsonPath("$.profile.plugins.codec.name").isEqualTo("f32")
                // Version 1 named no scheduling plugin: the default, fcfs.
                .jsonPath("$.profile.plugins.scheduling.name").isEqualTo("fcfs");
        List<Object> history = list(admin().get().uri("/admin/api/models/rollback-1/profile/history").exchange()
                .expectStatus().isOk().expectBody(List.class).returnResult().getResponseBody());
        Map<?, ?> v1 = (Map<?, ?>) history.getLast();
        assertThat(v1.get("version")).isEqualTo(1);
        admin().get().uri("/admin/api/models/rollback-1/profile").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.profile").isEqualTo(v1.get("profile"));

        // Rolling back to what is in effect changes nothing; unknown versions and bad bodies are refused.
        admin().post().uri("/admin/api/models/rollback-1/profile/rollback").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"version\":1}").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.version").isEqualTo(4).jsonPath("$.outcome").isEqualTo("unchanged");
        admin().post().uri("/admin/api/models/rollback-1/profile/rollback").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"version\":99}").exchange().expectStatus().isNotFound()
                .expectBody().jsonPath("$.error.code").isEqualTo("version_not_found");
        admin().post().uri("/admin/api/models/rollback-1/profile/rollback").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"version\":\"one\"}").exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.param").isEqualTo("version");
        admin().post().uri("/admin/api/models/rollback-1/profile/rollback").header(HttpHeaders.IF_MATCH, "\"3\"")
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"version\":2}").exchange().expectStatus().isEqualTo(409);

        assertThat(auditOf("rollback-1")).filteredOn(r -> "profile.rollback".equals(r.get("action"))).singleElement()
                .satisfies(r -> {
                    assertThat(version(r, "before")).isEqualTo(3);
                    assertThat(version(r, "after")).isEqualTo(4);
                    assertThat(codec(r, "after")).isEqualTo("f32");
                });
        unload("rollback-1");
    }

    private static List<Object> list(Object value) {
        return new ArrayList<>((List<?>) value);
    }

    private static List<Object> values(List<Map<?, ?>> records, String key) {
        return records.stream().map(r -> (Object) r.get(key)).toList();
    }

    private static int status(WebTestClient.ResponseSpec response) {
        return response.returnResult(String.class).getStatus().value();
    }

    private static Object version(Map<?, ?> auditRecord, String side) {
        return ((Map<?, ?>) auditRecord.get(side)).get("version");
    }

    private static Object codec(Map<?, ?> auditRecord, String side) {
        Map<?, ?> profile = (Map<?, ?>) ((Map<?, ?>) auditRecord.get(side)).get("profile");
        return ((Map<?, ?>) ((Map<?, ?>) profile.get("plugins")).get("codec")).get("name");
    }
}
