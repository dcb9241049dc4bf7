package io.kvasir.gateway.profile;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvasir.engine.gguf.ModelPathPolicy;
import io.kvasir.engine.loop.StrategyChoice;
import io.kvasir.engine.plugin.PluginRegistry;
import io.kvasir.engine.testing.SharedFiles;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** Profiles as the admin API and the store read and write them. */
class ProfileJsonTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final ProfileValidator VALIDATOR = new ProfileValidator(PluginRegistry.load(),
            ModelPathPolicy.of(SharedFiles.require("models/stories260K.gguf").getParent()));

    private static ProfileJson.Read read(String json) {
        return ProfileJson.read(JSON.readTree(json));
    }

    @Test
    void aValidatedProfileSurvivesTheRoundTripThroughJsonAndComparesEqual() {
        ModelProfile profile = VALIDATOR.check(ModelProfile.builder("stories260K.gguf")
                .plugin(PluginSlot.CODEC, StrategyChoice.of("int8"))
                .plugin(PluginSlot.PREFIX_INDEX, StrategyChoice.of("none"))
                .plugin(PluginSlot.EVICTION, StrategyChoice.of("streaming", Map.of("budget_tokens", 64)))
                .plugin(PluginSlot.OFFLOAD_TIER, StrategyChoice.of("host", Map.of("capacity_bytes", 16L << 20)))
                .kvCacheBytes(3L << 32).blockSize(32).maxBatchTokens(256).threads(1).contextLength(128).build());
        String json = ProfileJson.write(profile);

        ProfileJson.Read back = ProfileJson.parse(json);
        assertThat(back.problems()).isEmpty();
        assertThat(VALIDATOR.check(back.profile())).isEqualTo(profile);
        assertThat(ProfileJson.write(VALIDATOR.check(back.profile()))).as("deterministic").isEqualTo(json);
        assertThat(ProfileJson.tree(json)).containsOnlyKeys(ProfileJson.FIELDS);
        assertThat(json).startsWith("{\"modelFile\":\"stories260K.gguf\",\"backend\":\"cpu\",\"plugins\":{\"codec\":{\"name\":\"int8\"");
    }

    @Test
    void missingFieldsReadAsTheirDefaults() {
        ProfileJson.Read read = read("{\"modelFile\":\"stories260K.gguf\",\"plugins\":{\"codec\":{\"name\":\"f16\"}}}");
        assertThat(read.problems()).isEmpty();
        assertThat(read.profile()).isEqualTo(ModelProfile.builder("stories260K.gguf")
                .plugin(PluginSlot.CODEC, StrategyChoice.of("f16")).build());
    }

    @Test
    void everyProblemOfShapeNamesItsField() {
        ProfileJson.Read read = read("""
                {"modelFile": 7, "backend": ["cpu"], "colour": "red", "blockSize": 1.5, "threads": "two",
                 "maxBatchTokens": 4294967296, "kvCacheBytes": 99999999999999999999,
                 "plugins": {"codec": "int8", "eviction": {"name": "streaming", "config": {"budget_tokens": [1]}, "x": 1},
                             "scheduling": {"config": {}}, "cache": {"name": "hash"}}}
                """);
        assertThat(read.problems()).extracting(ProfileProblem::field).containsExactlyInAnyOrder("colour", "modelFile",
                "backend", "blockSize", "threads", "maxBatchTokens", "kvCacheBytes", "plugins.cache", "plugins.codec",
                "plugins.eviction.x", "plugins.eviction.config.budget_tokens", "plugins.scheduling.name");
        assertThat(read.problems()).filteredOn(p -> p.field().equals("blockSize")).singleElement()
                .satisfies(p -> assertThat(p.message()).isEqualTo("must be a whole number, got 1.5"));
        assertThat(ProfileJson.read(null).problems()).extracting(ProfileProblem::field).containsExactly("profile");
        assertThat(read("[1]").problems()).extracting(ProfileProblem::field).containsExactly("profile");
    }

    @Test
    void allProblemsAddsTheValidatorsOnFieldsWhoseShapeWasRight() {
        ProfileJson.Read read = read("""
                {"modelFile": "../outside.gguf", "blockSize": 0, "threads": "two",
                 "plugins": {"codec": {"name": "int3"}, "eviction": {"name": "h2o", "config": {"budget_tokens": -5}}}}
                """);
        assertThat(read.allProblems(VALIDATOR)).extracting(ProfileProblem::field).containsExactlyInAnyOrder("threads",
                "modelFile", "blockSize", "plugins.codec", "plugins.eviction.config.budget_tokens", "plugins.eviction");
    }
}
