package io.kvasir.gateway.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kvasir.engine.gguf.ModelPathPolicy;
import io.kvasir.engine.loop.CacheProfile;
import io.kvasir.engine.loop.StrategyChoice;
import io.kvasir.engine.plugin.PluginRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The validator checks files, backend, plugins, their configurations and numbers, and reports every problem at once. */
class ProfileValidatorTest {

    private static final PluginRegistry PLUGINS = PluginRegistry.load();

    @TempDir
    Path models;
    @TempDir
    Path elsewhere;
    private ProfileValidator validator;

    @BeforeEach
    void setUp() throws Exception {
        // The validator never opens the file, so any regular file stands in for a model here.
        Files.writeString(models.resolve("tiny.gguf"), "not opened");
        Files.writeString(elsewhere.resolve("outside.gguf"), "not opened");
        validator = new ProfileValidator(PLUGINS, ModelPathPolicy.of(models));
    }

    private ModelProfile.Builder valid() {
        return ModelProfile.builder("tiny.gguf");
    }

    @Test
    void aValidProfileComesBackWithEveryPluginConfigurationCompleted() {
        ModelProfile checked = validator.check(valid().plugin(PluginSlot.SCHEDULING, StrategyChoice.of("vtc", Map.of("output_weight", 3)))
                .build());
        assertThat(validator.problems(checked)).isEmpty();
        assertThat(checked.plugins().scheduling().config()).containsEntry("input_weight", 1.0).containsEntry("output_weight", 3.0);
        assertThat(checked.plugins().codec()).isEqualTo(StrategyChoice.of("f32"));
        assertThat(checked.plugins().prefixIndex()).isEqualTo(StrategyChoice.of("hash"));
        assertThat(checked.plugins().offloadTier()).isEqualTo(StrategyChoice.of("none"));
    }

    @Test
    void everyProblemIsReportedAtOnceEachNamingItsField() {
        ModelProfile bad = new ModelProfile(elsewhere.resolve("outside.gguf").toString(), "cuda",
                CacheProfile.defaults().withCodec(StrategyChoice.of("int3"))
                        .withEviction(StrategyChoice.of("streaming", Map.of("budget_tokens", -5, "colour", "red")))
                        .withScheduling(StrategyChoice.of("vtc", Map.of("input_weight", "lots"))),
                0, 0, 512, 0, -1, 2000, -3);
        assertThat(validator.problems(bad)).extracting(ProfileProblem::field).containsExactlyInAnyOrder(
                "modelFile", "backend", "plugins.codec", "plugins.eviction.config.budget_tokens",
                "plugins.eviction.config.colour", "plugins.eviction", "plugins.scheduling.config.input_weight",
                "kvCacheBytes", "blockSize", "maxRunningRequests", "maxWaitingRequests", "threads", "contextLength");
        assertThatThrownBy(() -> validator.check(bad)).isInstanceOfSatisfying(InvalidProfileException.class,
                e -> assertThat(e.problems()).hasSize(13));
    }

    @Test
    void anUnknownPluginIsReportedWithTheKnownNames() {
        ModelProfile bad = valid().plugin(PluginSlot.CODEC, StrategyChoice.of("int3"))
                .plugin(PluginSlot.PREFIX_INDEX, StrategyChoice.of("trie")).build();
        // The known names are those installed: Kvasir's own, plus whatever test plugins the class path holds.
        assertThat(validator.problems(bad)).satisfiesExactly(
                codec -> {
                    assertThat(codec.field()).isEqualTo("plugins.codec");
                    assertThat(codec.message()).startsWith("unknown kv-codec plugin 'int3' (known: f32, f16, int8, fp8-e4m3, int4-kivi");
                },
                prefix -> {
                    assertThat(prefix.field()).isEqualTo("plugins.prefixIndex");
                    assertThat(prefix.message()).startsWith("unknown prefix-index plugin 'trie' (known: hash, radix")
                            .contains("none");
                });
    }

    @Test
    void aBadConfigurationValueIsReportedWithTheFieldAndTheAllowedRange() {
        ModelProfile bad = valid().plugin(PluginSlot.PREFIX_INDEX, StrategyChoice.of("none"))
                .plugin(PluginSlot.EVICTION, StrategyChoice.of("streaming", Map.of("budget_tokens", -5))).build();
        assertThat(validator.problems(bad)).singleElement().satisfies(problem -> {
            assertThat(problem.field()).isEqualTo("plugins.eviction.config.budget_tokens");
            assertThat(problem.message()).contains("must be in [").contains("-5");
        });
    }

    @Test
    void noneTakesNoConfigurationAndAMissingNameIsRequired() {
        ModelProfile bad = valid().plugin(PluginSlot.OFFLOAD_TIER, StrategyChoice.of("none", Map.of("capacity_bytes", 1)))
                .plugin(PluginSlot.PREEMPTION, new StrategyChoice(" ", null)).build();
        assertThat(validator.problems(bad)).extracting(ProfileProblem::field)
                .containsExactly("plugins.preemption", "plugins.offloadTier.config");
        assertThat(validator.problems(bad).getFirst().message()).contains("recompute", "swap");
    }

    @Test
    void theModelFileMustBeInsideTheModelDirectories() {
        assertThat(validator.problems(ModelProfile.builder("missing.gguf").build())).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("not found in the model directories"));
        assertThat(validator.problems(ModelProfile.builder("../" + elsewhere.getFileName() + "/outside.gguf").build()))
                .singleElement().satisfies(p -> assertThat(p.message()).contains("'..' is not allowed"));
        assertThat(validator.problems(ModelProfile.builder(null).build())).singleElement()
                .isEqualTo(new ProfileProblem("modelFile", "required: a GGUF file in the model directories"));
    }

    @Test
    void missingPartsReadAsDefaults() {
        ModelProfile sparse = new ModelProfile("tiny.gguf", null,
                new CacheProfile(StrategyChoice.of("int8"), null, null, null, null, null), 1 << 20, 16, 64, 4, 8, 1, 0);
        assertThat(sparse.backend()).isEqualTo("cpu");
        assertThat(sparse.plugins()).isEqualTo(CacheProfile.defaults().withCodec(StrategyChoice.of("int8")));
        assertThat(validator.problems(sparse)).isEmpty();
    }
}
