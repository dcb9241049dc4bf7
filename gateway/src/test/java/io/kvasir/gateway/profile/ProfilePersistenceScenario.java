package io.kvasir.gateway.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvasir.engine.loop.StrategyChoice;
import io.kvasir.engine.testing.SharedFiles;
import io.kvasir.gateway.KvasirGatewayApplication;
import io.kvasir.gateway.engine.ModelCatalog;
import io.kvasir.gateway.engine.ModelDeployment;
import io.kvasir.gateway.store.AuditEntry;
import io.kvasir.gateway.store.AuditLogRepository;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The profile store across gateway restarts on one database, and its concurrency guarantees, run against each
 * store the gateway supports (the subclasses): a model starts from its latest stored version, the first start
 * stores the properties as version 1, a stored version that can no longer start falls back to the properties as
 * a new version, models loaded through the API come back and unloaded ones do not; two changes of one version
 * at once leave exactly one new version, and the database refuses a version stored against a stale one.
 */
abstract class ProfilePersistenceScenario {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    /** Command-line arguments pointing the gateway's store at this scenario's database. */
    abstract List<String> storeArgs(Path dir);

    private ConfigurableApplicationContext start(Path models) {
        List<String> args = new ArrayList<>(List.of("--server.port=0", "--kvasir.model-dirs[0]=" + models,
                "--kvasir.models[0].name=m", "--kvasir.models[0].file=a.gguf", "--kvasir.models[0].threads=1",
                "--kvasir.models[0].kv-cache-memory=8MB", "--kvasir.bootstrap.admin-password=persistence-test-admin"));
        args.addAll(storeArgs(dir));
        return new SpringApplicationBuilder(KvasirGatewayApplication.class).run(args.toArray(String[]::new));
    }

    private static ProfileJson.Read json(ModelProfile profile) {
        return ProfileJson.parse(ProfileJson.write(profile));
    }

    @Test
    void profilesSurviveRestartsAndEachVersionIsWonOnce() throws Exception {
        Path models = Files.createDirectories(dir.resolve("models"));
        Path stories = SharedFiles.require("models/stories260K.gguf");
        Files.copy(stories, models.resolve("a.gguf"));
        Files.copy(stories, models.resolve("b.gguf"));
        ModelProfile int8;

        try (ConfigurableApplicationContext gateway = start(models)) {
            ProfileStore store = gateway.getBean(ProfileStore.class);
            ProfileVersions versions = gateway.getBean(ProfileVersions.class);
            ProfileVersion initial = store.current("m");
            assertThat(initial.version()).isEqualTo(1);
            assertThat(initial.change()).isEqualTo(ProfileChange.INITIAL);
            assertThat(initial.changedBy()).isEqualTo("kvasir");
            assertThat(audit(gateway, "model:m")).singleElement().satisfies(record -> {
                assertThat(record.action()).isEqualTo("profile.initial");
                assertThat(record.beforeJson()).isNull();
                assertThat(record.afterJson()).contains("\"version\":1");
            });

            int8 = initial.profile().toBuilder().plugin(PluginSlot.CODEC, StrategyChoice.of("int8")).build();
            ProfileStore.Applied applied = store.apply("m", json(int8), 1, "alice");
            assertThat(applied.version().version()).isEqualTo(2);
            assertThat(applied.result().outcome()).isEqualTo(ModelDeployment.ApplyResult.Outcome.NEW_INSTANCE);
            assertThat(store.apply("m", json(int8), 1, "alice").version().version()).as("the same change again").isEqualTo(2);

            // Two admins change version 2 at once: one new version, one refusal.
            List<String> outcomes = race(store, int8);
            assertThat(outcomes).containsExactlyInAnyOrder("applied", "stale");
            assertThat(store.current("m").version()).isEqualTo(3);
            // The database refuses a version stored against a stale one, whatever this process's locks.
            assertThatThrownBy(() -> versions.record("m", ProfileChange.APPLY, int8, initial, null, null, "mallory"))
                    .isInstanceOf(StaleVersionException.class);
            assertThat(store.history("m", 10)).extracting(ProfileVersion::version).containsExactly(3L, 2L, 1L);
            assertThat(audit(gateway, "model:m")).extracting(AuditEntry::action)
                    .containsExactly("profile.apply", "profile.apply", "profile.initial");

            store.load("extra", json(int8.toBuilder().modelFile("b.gguf").build()), "alice");
            store.load("gone", json(int8), "alice");
            store.unload("gone", "bob");
        }

        ModelProfile onB;
        try (ConfigurableApplicationContext gateway = start(models)) {
            ProfileStore store = gateway.getBean(ProfileStore.class);
            ModelCatalog catalog = gateway.getBean(ModelCatalog.class);
            ProfileVersion latest = store.current("m");
            assertThat(latest.version()).as("a restart stores nothing new").isEqualTo(3);
            ModelDeployment m = catalog.deployment("m").orElseThrow();
            assertThat(m.profile()).as("the model starts from its latest version").isEqualTo(latest.profile());
            assertThat(m.profile().plugins().codec().name()).isEqualTo("int8");
            assertThat(catalog.deployment("extra")).as("loaded through the API: loaded again").isPresent();
            assertThat(store.current("extra").version()).isEqualTo(1);
            assertThat(catalog.deployment("gone")).as("unloaded: stays unloaded").isEmpty();

            onB = latest.profile().toBuilder().modelFile("b.gguf").build();
            assertThat(store.apply("m", json(onB), 3, "alice").version().version()).isEqualTo(4);
        }

        Files.delete(models.resolve("b.gguf"));
        try (ConfigurableApplicationContext gateway = start(models)) {
            ProfileStore store = gateway.getBean(ProfileStore.class);
            ModelCatalog catalog = gateway.getBean(ModelCatalog.class);
            ProfileVersion fallback = store.current("m");
            assertThat(fallback.version()).isEqualTo(5);
            assertThat(fallback.change()).isEqualTo(ProfileChange.FALLBACK);
            assertThat(fallback.changedBy()).isEqualTo("kvasir");
            assertThat(catalog.deployment("m").orElseThrow().profile().modelFile()).isEqualTo("a.gguf");
            assertThat(catalog.deployment("extra")).as("its file is gone: left out, logged").isEmpty();
            assertThat(audit(gateway, "model:m").getFirst().action()).isEqualTo("profile.fallback");
        }
    }

    private static List<String> race(ProfileStore store, ModelProfile base) throws Exception {
        CyclicBarrier start = new CyclicBarrier(2);
        List<Future<String>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
            for (int i = 0; i < 2; i++) {
                ModelProfile change = base.toBuilder().maxWaitingRequests(100 + i).build();
                String admin = i == 0 ? "alice" : "bob";
                results.add(pool.submit(() -> {
                    start.await(60, TimeUnit.SECONDS);
                    try {
                        store.apply("m", json(change), 2, admin);
                        return "applied";
                    } catch (StaleVersionException e) {
                        return "stale";
                    }
                }));
            }
            List<String> outcomes = new ArrayList<>();
            for (Future<String> result : results) {
                outcomes.add(result.get(120, TimeUnit.SECONDS));
            }
            return outcomes;
        }
    }

    private static List<AuditEntry> audit(ConfigurableApplicationContext gateway, String target) {
        return gateway.getBean(AuditLogRepository.class).recent(1000).filter(e -> e.target().equals(target))
                .collectList().block(TIMEOUT);
    }
}
