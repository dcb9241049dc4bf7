package io.kvasir.ops.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kvasir.engine.gguf.GgmlType;
import io.kvasir.engine.model.LoadedModel;
import io.kvasir.engine.model.synth.ModelShape;
import io.kvasir.engine.model.synth.SyntheticModelWriter;
import io.kvasir.ops.eval.EvalReport.FidelityRow;
import io.kvasir.ops.eval.EvalReport.Verdict;
import io.kvasir.ops.eval.EvalSettings.Section;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** The whole harness on a tiny synthetic model and a two-story corpus, at the smallest sizes. */
class StrategyEvaluationTest {

    private static final ModelShape SHAPE = new ModelShape("eval-test", 64, 2, 4, 2, 128, 300, 1024);
    private static final String CORPUS = "The cat sat on the mat and looked at the bird in the tree for a long time.\n"
            + "<|story|>\n"
            + "A small dog ran to the park, found a red ball, and brought it home to show his friend.\n";

    @TempDir
    static Path dir;
    private static LoadedModel model;
    private static EvalReport report;

    @BeforeAll
    static void runTheHarnessOnce() throws Exception {
        Path file = dir.resolve("tiny.gguf");
        new SyntheticModelWriter(SHAPE, GgmlType.F32, 3).write(file);
        model = LoadedModel.load(file);
        Path corpus = dir.resolve("corpus.txt");
        Files.writeString(corpus, CORPUS);
        // One story in flight: both reference engines see identical batches.
        // A prefix longer than the step budget (512): later requests find the first one's blocks published.
        EvalSettings settings = new EvalSettings(1, EnumSet.allOf(Section.class), 8, 64, 1, 6, 520, 8, 2, 3, 0.3, 3, 11);
        report = StrategyEvaluation.run(model, corpus, settings, new PrintWriter(new StringWriter()));
        StrategyEvaluation.write(report, dir.resolve("out"));
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
        }
    }

    @Test
    void theReferenceAgreesWithItselfOnEveryPosition() {
        for (String mode : List.of(FidelityEval.FORCED, FidelityEval.SPLIT)) {
            FidelityRow reference = row("f32 (reference)", mode);
            assertThat(reference.status()).isEqualTo(EvalReport.OK);
            assertThat(reference.top1Agreement()).as(mode).isEqualTo(1.0);
            // Two engines agree to the last bits only: kernels may round differently across runs (batching, JIT state).
            assertThat(reference.meanKl()).as(mode).isBetween(0.0, 1e-9);
            assertThat(reference.kvReduction()).isEqualTo(1.0);
            assertThat(reference.numScoredTokens()).isPositive();
            assertThat(reference.perplexity()).isGreaterThan(1.0);
        }
    }

    @Test
    void everyStrategyHasARowPerModeAndCodecsScoreTheSamePositions() {
        List<FidelityEval.Setting> settings = FidelityEval.settingsToCompare();
        assertThat(report.fidelity()).hasSize(2 * settings.size());
        for (String mode : List.of(FidelityEval.FORCED, FidelityEval.SPLIT)) {
            long positions = row("f32 (reference)", mode).numScoredTokens();
            for (String codec : List.of("f16", "int8", "fp8-e4m3", "int4-kivi")) {
                FidelityRow row = row(codec, mode);
                assertThat(row.status()).isEqualTo(EvalReport.OK);
                assertThat(row.numScoredTokens()).isEqualTo(positions);
                assertThat(row.kvReduction()).as(codec).isGreaterThan(1.0);
                assertThat(row.meanKl()).as(codec).isGreaterThanOrEqualTo(0.0);
                assertThat(row.top1Agreement()).as(codec).isBetween(0.0, 1.0);
                assertThat(row.sequencePeakKvBytes()).as(codec).isPositive()
                        .isLessThan(row("f32 (reference)", mode).sequencePeakKvBytes());
            }
            for (FidelityRow row : report.fidelity()) {
                assertThat(row.status()).isIn(EvalReport.OK, EvalReport.NOT_RUN, EvalReport.NOT_APPLIED);
            }
        }
    }

    @Test
    void theOtherWorkloadsReportEveryRun() {
        assertThat(report.prefix().rows()).extracting(r -> r.workload() + "/" + r.prefixIndex() + "/" + r.scheduling())
                .containsExactly("shared/none/fcfs", "shared/hash/fcfs", "shared/radix/fcfs", "pressured/radix/fcfs",
                        "pressured/radix/lpm");
        assertThat(report.prefix().rows().getFirst().numCachedPromptTokens()).isZero();
        assertThat(report.prefix().rows().get(1).numCachedPromptTokens()).isPositive();
        assertThat(report.fairness().runs()).extracting(r -> r.policy()).containsExactly("fcfs 1:1", "vtc 1:1", "vtc 1:2");
        assertThat(report.fairness().curvesCsv()).startsWith("run,seconds,heavy_service,light_service\n");
        assertThat(report.preemption().rows()).hasSize(2);
        for (var row : report.preemption().rows()) {
            assertThat(row.numCompleted()).isEqualTo(row.numRequests());
            assertThat(row.numIdentical()).isEqualTo(row.numRequests());
        }
        assertThat(report.targets()).hasSize(11).allSatisfy(t -> assertThat(t.verdict()).isNotNull());
        assertThat(report.targets()).extracting(t -> t.verdict()).doesNotContainNull().contains(Verdict.HOLDS);
    }

    @Test
    void theJsonAndMarkdownFilesHoldTheReport() throws Exception {
        JsonNode json = new ObjectMapper().readTree(dir.resolve("out").resolve(StrategyEvaluation.JSON_FILE).toFile());
        assertThat(json.get("numStories").asInt()).isEqualTo(2);
        assertThat(json.get("fidelity").size()).isEqualTo(report.fidelity().size());
        assertThat(json.get("fidelity").get(0).get("setting").asString()).isEqualTo("f32 (reference)");
        for (String field : List.of("prefix", "fairness", "preemption", "targets")) {
            assertThat(json.has(field)).as(field).isTrue();
        }
        String markdown = Files.readString(dir.resolve("out").resolve(StrategyEvaluation.MARKDOWN_FILE));
        assertThat(markdown).contains("## Fidelity, memory and speed", "## Prefix caching", "## Fairness", "## Preemption",
                "## Targets", "| f32 (reference) | forced |", "```csv");
    }

    private static FidelityRow row(String setting, String mode) {
        return report.fidelity().stream().filter(r -> r.setting().equals(setting) && r.mode().equals(mode)).findFirst()
                .orElseThrow(() -> new AssertionError("no row " + setting + "/" + mode));
    }
}
