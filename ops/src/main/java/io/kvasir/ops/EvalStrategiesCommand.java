package io.kvasir.ops;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;

import org.jspecify.annotations.Nullable;

import io.kvasir.engine.model.LoadedModel;
import io.kvasir.ops.eval.EvalReport;
import io.kvasir.ops.eval.EvalSettings;
import io.kvasir.ops.eval.EvalSettings.Section;
import io.kvasir.ops.eval.MarkdownReport;
import io.kvasir.ops.eval.StrategyEvaluation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Measures every KV-cache strategy's effect on memory, speed and output fidelity through the real engine,
 * writes a JSON and a Markdown report and prints the Markdown.
 */
@Command(name = "eval-strategies", mixinStandardHelpOptions = true,
        description = {"Measure each KV-cache strategy's effect on memory, speed and output fidelity (teacher forcing), "
                + "prefix-cache hit rate and TTFT, fairness between tenants and preemption exactness.",
                "Fidelity numbers mean something only with a trained model and text it knows, for example "
                        + "-m stories260K.gguf --corpus stories260K-samples.txt; the embedded default model has random weights."})
final class EvalStrategiesCommand implements Callable<Integer> {

    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--corpus", paramLabel = "FILE",
            description = "Stories separated by <|story|> (default: a few built-in stories).")
    @Nullable Path corpus;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "target/eval",
            description = "Where strategies.json and strategies.md go (default: ${DEFAULT-VALUE}).")
    Path outDir;

    @Option(names = "--max-stories", paramLabel = "N", defaultValue = "16",
            description = "Stories scored, from the start of the corpus (default: ${DEFAULT-VALUE}).")
    int maxStories;

    @Option(names = "--max-story-tokens", paramLabel = "N", defaultValue = "512",
            description = "Longer stories are cut to this many tokens (default: ${DEFAULT-VALUE}).")
    int maxStoryTokens;

    @Option(names = "--stories-in-flight", paramLabel = "N", defaultValue = "8",
            description = "Stories decoded together per engine (default: ${DEFAULT-VALUE}).")
    int storiesInFlight;

    @Option(names = "--prefix-requests", paramLabel = "N", defaultValue = "64",
            description = "Requests of the prefix-caching workloads (default: ${DEFAULT-VALUE}).")
    int prefixRequests;

    @Option(names = "--prefix-tokens", paramLabel = "N", defaultValue = "256",
            description = "Tokens of the shared prefix (default: ${DEFAULT-VALUE}).")
    int prefixTokens;

    @Option(names = "--unique-tokens", paramLabel = "N", defaultValue = "32",
            description = "Tokens each prefix-workload request adds to its prefix (default: ${DEFAULT-VALUE}).")
    int uniqueTokens;

    @Option(names = "--prefix-max-tokens", paramLabel = "N", defaultValue = "4",
            description = "Tokens each prefix-workload request generates (default: ${DEFAULT-VALUE}).")
    int prefixMaxTokens;

    @Option(names = "--distinct-prefixes", paramLabel = "N", defaultValue = "8",
            description = "Prefixes of the memory-pressured prefix workload (default: ${DEFAULT-VALUE}).")
    int distinctPrefixes;

    @Option(names = "--fairness-seconds", paramLabel = "S", defaultValue = "5",
            description = "Length of each fairness run (default: ${DEFAULT-VALUE}).")
    double fairnessSeconds;

    @Option(names = "--preemption-requests", paramLabel = "N", defaultValue = "8",
            description = "Requests of the preemption workload (default: ${DEFAULT-VALUE}).")
    int preemptionRequests;

    @Option(names = "--seed", defaultValue = "7", description = "Seed of the random prompts (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--only", paramLabel = "SECTION", split = ",",
            description = "Run only these workloads: fidelity, prefix, fairness, preemption (default: all).")
    @Nullable List<String> only;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter progress = spec.commandLine().getErr();
        EvalSettings settings = new EvalSettings(modelOptions.numThreads(), sections(), maxStories, maxStoryTokens,
                storiesInFlight, prefixRequests, prefixTokens, uniqueTokens, prefixMaxTokens, distinctPrefixes, fairnessSeconds,
                preemptionRequests, seed);
        Path path = modelOptions.resolveModel();
        try (LoadedModel model = LoadedModel.load(path)) {
            EvalReport report = StrategyEvaluation.run(model, corpus, settings, progress);
            StrategyEvaluation.write(report, outDir);
            out.print(MarkdownReport.render(report));
            out.printf("%nReports: %s, %s%n", outDir.resolve(StrategyEvaluation.JSON_FILE),
                    outDir.resolve(StrategyEvaluation.MARKDOWN_FILE));
            out.flush();
        }
        return 0;
    }

    private Set<Section> sections() {
        if (only == null || only.isEmpty()) {
            return EnumSet.allOf(Section.class);
        }
        Set<Section> sections = EnumSet.noneOf(Section.class);
        for (String name : only) {
            try {
                sections.add(Section.valueOf(name.strip().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--only: unknown workload '" + name + "' (known: fidelity, prefix, fairness, preemption)");
            }
        }
        return sections;
    }
}
