package io.kvasir.gateway.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvasir.api.FinishReason;
import io.kvasir.api.GenerationRequest;
import io.kvasir.api.SamplingParams;
import io.kvasir.engine.gguf.ModelPathPolicy;
import io.kvasir.engine.loop.StrategyChoice;
import io.kvasir.engine.plugin.PluginRegistry;
import io.kvasir.engine.testing.SharedFiles;
import io.kvasir.gateway.engine.ModelDeployment.ApplyResult;
import io.kvasir.gateway.profile.InvalidProfileException;
import io.kvasir.gateway.profile.ModelProfile;
import io.kvasir.gateway.profile.PluginSlot;
import io.kvasir.gateway.profile.ProfileDiff;
import io.kvasir.gateway.profile.ProfileValidator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A model's profile applied at run time on the real stories260K model: live changes, new instances, failures. */
class ModelDeploymentTest {

    static final SamplingParams GREEDY = SamplingParams.builder().temperature(0).maxTokens(24).ignoreEos(true).build();
    private static final PluginRegistry PLUGINS = PluginRegistry.load();
    private static ModelPathPolicy modelPaths;

    private SharedModels models;
    private ProfileValidator validator;
    /** Every engine instance the deployment started, in order. */
    private final List<InProcessModelEngine> launched = new CopyOnWriteArrayList<>();
    private ModelDeployment deployment;

    @BeforeAll
    static void findModel() {
        modelPaths = ModelPathPolicy.of(SharedFiles.require("models/stories260K.gguf").getParent());
    }

    @BeforeEach
    void deploy() {
        models = new SharedModels();
        validator = new ProfileValidator(PLUGINS, modelPaths);
        deployment = ModelDeployment.start("stories", profile(), recordingLauncher(), validator);
    }

    @AfterEach
    void close() {
        deployment.close();
        assertThat(models.numOpen()).isZero();
    }

    static ModelProfile profile() {
        return ModelProfile.builder("stories260K.gguf").threads(2).kvCacheBytes(8L << 20).contextLength(256)
                .maxRunningRequests(8).maxWaitingRequests(64).build();
    }

    static ModelProfile withCodec(String codec) {
        return profile().toBuilder().plugin(PluginSlot.CODEC, StrategyChoice.of(codec)).build();
    }

    ModelDeployment.Launcher recordingLauncher() {
        EngineLauncher launcher = new EngineLauncher(modelPaths, PLUGINS, models);
        return (name, profile) -> {
            InProcessModelEngine engine = launcher.launch(name, profile);
            launched.add(engine);
            return engine;
        };
    }

    EngineLauncher launcher() {
        return new EngineLauncher(modelPaths, PLUGINS, models);
    }

    static Generation run(ModelEngine engine, String id, int[] prompt) {
        return Generation.of(engine.generate(GenerationRequest.of(id, prompt, GREEDY)).collectList().block(Duration.ofSeconds(120)));
    }

    @Test
    void aLiveChangeIsInstalledInTheRunningInstance() throws Exception {
        ModelProfile fair = profile().toBuilder().plugin(PluginSlot.SCHEDULING, StrategyChoice.of("vtc"))
                .maxRunningRequests(4).maxWaitingRequests(16).build();
        ApplyResult result = deployment.apply(fair);
        assertThat(result.outcome()).isEqualTo(ApplyResult.Outcome.LIVE);
        assertThat(result.diff().changes()).extracting(ProfileDiff.Change::field)
                .containsExactly("plugins.scheduling", "maxRunningRequests", "maxWaitingRequests");
        result.settled().get(60, TimeUnit.SECONDS);
        assertThat(launched).hasSize(1);
        assertThat(launched.getFirst().engine().liveConfig()).isEqualTo(validator.check(fair).liveConfig());
        assertThat(deployment.profile()).isEqualTo(validator.check(fair));
        assertThat(run(deployment, "after", deployment.tokenize("Once upon a time", true)).finish()).isEqualTo(FinishReason.LENGTH);
    }

    @Test
    void theSameProfileTwiceIsANoOpAndSoAreDefaultsSpelledOut() {
        ModelProfile fair = profile().toBuilder().plugin(PluginSlot.SCHEDULING, StrategyChoice.of("vtc")).build();
        assertThat(deployment.apply(fair).outcome()).isEqualTo(ApplyResult.Outcome.LIVE);
        assertThat(deployment.apply(fair).outcome()).isEqualTo(ApplyResult.Outcome.UNCHANGED);
        ModelProfile spelledOut = fair.toBuilder()
                .plugin(PluginSlot.SCHEDULING, StrategyChoice.of("vtc", Map.of("input_weight", 1, "output_weight", 2))).build();
        ApplyResult again = deployment.apply(spelledOut);
        assertThat(again.outcome()).isEqualTo(ApplyResult.Outcome.UNCHANGED);
        assertThat(again.settled()).isDone();
        assertThat(launched).hasSize(1);
    }

    @Test
    void anInvalidProfileChangesNothing() {
        ModelProfile before = deployment.profile();
        assertThatThrownBy(() -> deployment.apply(withCodec("int3").toBuilder().blockSize(0).build()))
                .isInstanceOfSatisfying(InvalidProfileException.class, e -> assertThat(e.problems())
                        .extracting(p -> p.field()).containsExactly("plugins.codec", "blockSize"));
        assertThatThrownBy(() -> deployment.plan(withCodec("int3"))).isInstanceOf(InvalidProfileException.class);
        assertThat(deployment.profile()).isEqualTo(before);
        assertThat(deployment.instances()).hasSize(1);
    }

    @Test
    void aNewInstanceThatCannotStartLeavesTheOldOneServing() {
        ModelProfile before = deployment.profile();
        // Valid as a profile, but 1 KiB of int8 KV cannot hold one 256-token context of this model.
        ModelProfile tooSmall = withCodec("int8").toBuilder().kvCacheBytes(1024).build();
        assertThat(deployment.plan(tooSmall).needsDrain()).isTrue();
        assertThatThrownBy(() -> deployment.apply(tooSmall)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("raise kvCacheBytes");
        assertThat(deployment.profile()).isEqualTo(before);
        assertThat(deployment.instances()).singleElement().satisfies(i -> assertThat(i.id()).isEqualTo(1));
        assertThat(models.numOpen()).isEqualTo(1);
        assertThat(run(deployment, "still", deployment.tokenize("Once upon a time", true)).finish()).isEqualTo(FinishReason.LENGTH);
    }

    @Test
    void aClosedDeploymentRefusesRequestsAndChangesAndUnmapsTheModel() {
        deployment.close();
        assertThat(models.numOpen()).isZero();
        assertThat(launched).allSatisfy(engine -> assertThat(engine.engine().kvMemoryBytes()).isZero());
        assertThat(deployment.isHealthy()).isFalse();
        assertThatThrownBy(() -> run(deployment, "late", new int[] {1, 403})).hasMessageContaining("unloaded");
        assertThatThrownBy(() -> deployment.apply(withCodec("int8"))).isInstanceOf(IllegalStateException.class);
    }

    /** A finished generation: its tokens, text and finish reason. */
    record Generation(List<Integer> tokens, String text, FinishReason finish) {

        static Generation of(List<GenerationEvent> events) {
            List<Integer> tokens = new ArrayList<>();
            StringBuilder text = new StringBuilder();
            FinishReason finish = null;
            for (GenerationEvent event : events) {
                switch (event) {
                    case GenerationEvent.Token t -> {
                        tokens.add(t.token().tokenId());
                        text.append(t.token().text());
                    }
                    case GenerationEvent.Finished f -> finish = f.result().finishReason();
                    case GenerationEvent.Queued q -> { }
                }
            }
            return new Generation(List.copyOf(tokens), text.toString(), finish);
        }
    }
}
