package io.kvasir.ops.eval;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.jspecify.annotations.Nullable;

import io.kvasir.engine.model.LoadedModel;
import io.kvasir.ops.eval.EvalReport.FairnessReport;
import io.kvasir.ops.eval.EvalReport.FidelityRow;
import io.kvasir.ops.eval.EvalReport.PrefixReport;
import io.kvasir.ops.eval.EvalReport.PreemptionReport;
import io.kvasir.ops.eval.EvalSettings.Section;
import tools.jackson.databind.ObjectMapper;

/**
 * Measures every KV-cache strategy's effect on memory, speed and output fidelity through the real engine:
 * fidelity by teacher forcing a corpus ({@link FidelityEval}), prefix caching, fairness between tenants
 * and preemption under memory pressure, then checks the results against the strategies' targets.
 *
 * <pre>{@code
 * EvalReport report = StrategyEvaluation.run(model, corpusFile, EvalSettings.defaults(2), progress);
 * StrategyEvaluation.write(report, Path.of("target/eval"));
 * }</pre>
 */
public final class StrategyEvaluation {

    /** The JSON report's file name in the output folder. */
    public static final String JSON_FILE = "strategies.json";
    /** The Markdown report's file name in the output folder. */
    public static final String MARKDOWN_FILE = "strategies.md";

    private StrategyEvaluation() {
    }

    /**
     * Runs the workloads {@code settings} asks for.
     *
     * @param corpusFile stories separated by {@code <|story|>}; null takes the built-in stories
     * @param progress told what runs, a line per step
     */
    public static EvalReport run(LoadedModel model, @Nullable Path corpusFile, EvalSettings settings, PrintWriter progress)
            throws IOException, InterruptedException {
        Corpus corpus = Corpus.load(corpusFile, model.tokenizer(), settings.maxStories(), settings.maxStoryTokens());
        List<FidelityRow> fidelity = settings.runs(Section.FIDELITY)
                ? new FidelityEval(model, corpus, settings, progress).run() : List.of();
        PrefixReport prefix = settings.runs(Section.PREFIX) ? new PrefixCacheEval(model, settings, progress).run() : null;
        FairnessReport fairness = settings.runs(Section.FAIRNESS) ? new FairnessEval(model, settings, progress).run() : null;
        PreemptionReport preemption = settings.runs(Section.PREEMPTION) ? new PreemptionEval(model, settings, progress).run() : null;
        return new EvalReport(model.path().getFileName().toString(), settings.numThreads(), corpus.source(),
                corpus.stories().size(), corpus.numTokens(), settings, fidelity, prefix, fairness, preemption,
                Targets.check(fidelity, prefix, fairness, preemption));
    }

    /** Writes {@value #JSON_FILE} and {@value #MARKDOWN_FILE} into {@code directory}, creating it if needed. */
    public static void write(EvalReport report, Path directory) throws IOException {
        Files.createDirectories(directory);
        String json = new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(report);
        Files.writeString(directory.resolve(JSON_FILE), json + "\n", StandardCharsets.UTF_8);
        Files.writeString(directory.resolve(MARKDOWN_FILE), MarkdownReport.render(report), StandardCharsets.UTF_8);
    }
}
