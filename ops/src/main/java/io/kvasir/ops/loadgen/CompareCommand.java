package io.kvasir.ops.loadgen;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.jspecify.annotations.Nullable;

import io.kvasir.engine.loop.CacheProfile;
import io.kvasir.engine.loop.Engine;
import io.kvasir.engine.loop.EngineConfig;
import io.kvasir.engine.loop.StrategyChoice;
import io.kvasir.engine.model.LoadedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./kvasir loadgen compare}: the HTTP path's cost. Runs one closed-loop workload twice, first against an
 * engine in this process built like the gateway's (same model file, same engine settings), then through the
 * gateway, and prints the throughput ratio and the TTFT the HTTP path adds, at the given concurrency and
 * (optionally) one request at a time. The gateway must be idle during the engine-only run, since both share
 * the machine's cores.
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = {"Measure the HTTP path's cost: the same closed-loop workload against an in-process engine "
                + "(--engine-model, built with the gateway's default engine settings) and through the gateway, in one run of "
                + "several rounds that alternate which side goes first; prints each round's output tokens/s, ratio and the median "
                + "TTFT the HTTP path adds, and the medians over the rounds, on which the targets are judged.",
                "Targets (issue 4): at most 5%% of throughput and 5 ms of median TTFT at 16 concurrent streams."})
final class CompareCommand implements Callable<Integer> {

    private static final long CONCURRENT_PHASE = 0;
    private static final long SINGLE_STREAM_PHASE = 1;

    @Mixin
    TargetOptions target;

    @Mixin
    WorkloadOptions workloadOptions;

    @Mixin
    ApiKeyOptions apiKey;

    @Mixin
    ReportOptions reportOptions;

    @Option(names = "--engine-model", paramLabel = "FILE", required = true,
            description = "The GGUF file the gateway serves, loaded here for the engine-only run.")
    Path engineModel;

    @Option(names = {"-c", "--concurrency"}, paramLabel = "N", defaultValue = "16",
            description = "Closed-loop users of both runs (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--requests", paramLabel = "N", defaultValue = "64",
            description = "Measured requests of each run (default: ${DEFAULT-VALUE}).")
    int requests;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "16",
            description = "Unmeasured requests before each run (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--single-stream-requests", paramLabel = "N", defaultValue = "8",
            description = "Also send N requests one at a time to each side, for the TTFT the path adds without queueing (0: skip; default: ${DEFAULT-VALUE}).")
    int singleStreamRequests;

    @Option(names = "--single-stream-rate", paramLabel = "R", defaultValue = "0",
            description = "Send the single-stream requests as Poisson arrivals at R requests/s instead of back to back, "
                    + "so that each usually finds the engine idle, as a lone user's requests do (0: back to back; "
                    + "default: ${DEFAULT-VALUE}).")
    double singleStreamRate;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", defaultValue = "0",
            description = "Kernel threads of the in-process engine (default: all cores, as the gateway).")
    int threads;

    @Option(names = "--kv-cache-mb", paramLabel = "MB", defaultValue = "256",
            description = "KV cache of the in-process engine (gateway default: ${DEFAULT-VALUE}).")
    long kvCacheMb;

    @Option(names = "--max-batch-tokens", paramLabel = "N", defaultValue = "" + EngineConfig.DEFAULT_MAX_BATCH_TOKENS,
            description = "Token budget per engine step (gateway default: ${DEFAULT-VALUE}).")
    int maxBatchTokens;

    @Option(names = "--max-running", paramLabel = "N", defaultValue = "32",
            description = "Requests decoding at once (gateway default: ${DEFAULT-VALUE}).")
    int maxRunning;

    @Option(names = "--scheduling", paramLabel = "NAME", defaultValue = "vtc",
            description = "Scheduling policy plugin (gateway default: ${DEFAULT-VALUE}).")
    String scheduling;

    @Option(names = "--prefix-index", paramLabel = "NAME", defaultValue = "hash",
            description = "Prefix cache plugin (gateway default: ${DEFAULT-VALUE}).")
    String prefixIndex;

    @Option(names = "--max-throughput-cost", paramLabel = "SHARE", defaultValue = "0.05",
            description = "Target: largest share of throughput the HTTP path may cost (default: ${DEFAULT-VALUE}).")
    double maxThroughputCost;

    @Option(names = "--max-ttft-added-ms", paramLabel = "MS", defaultValue = "5",
            description = "Target: most median TTFT the HTTP path may add (default: ${DEFAULT-VALUE}).")
    double maxTtftAddedMs;

    @Spec
    CommandSpec spec;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "3",
            description = "Rounds of both sides, alternating which runs first; the targets are judged on the median round "
                    + "(default: ${DEFAULT-VALUE}).")
    int rounds;

    @Override
    public Integer call() throws Exception {
        if (concurrency < 1 || requests < 1 || warmup < 0 || singleStreamRequests < 0 || rounds < 1
                || !(singleStreamRate >= 0)) {
            throw new IllegalArgumentException("--concurrency, --requests and --rounds must be at least 1, --warmup, "
                    + "--single-stream-requests and --single-stream-rate not negative");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter log = spec.commandLine().getErr();
        String modelName = target.resolveModel(apiKey.key());
        String fileStem = engineModel.getFileName().toString().replaceFirst("\\.gguf$", "");
        if (!fileStem.equals(modelName)) {
            log.println("kvasir: note: the gateway's model is '" + modelName + "' and the engine-only run loads " + engineModel
                    + "; the comparison means something only if they are the same file");
        }
        List<CompareReport> reports = new ArrayList<>();
        log.println("kvasir: loading " + engineModel + " for the engine-only side ...");
        try (LoadedModel model = LoadedModel.load(engineModel); Engine engine = Engine.start(model, engineConfig(model));
                OpenAiHttpTarget http = target.open(modelName, Duration.ZERO)) {
            Target inProcess = new InProcessEngineTarget(model, engine, target.endpoint(), target.temperature);
            for (int round = 0; round < rounds; round++) {
                int roundWarmup = round == 0 ? warmup : 0;
                Side engineSide;
                Side httpSide;
                if (round % 2 == 0) {
                    engineSide = measure(inProcess, modelName, roundWarmup, round, log);
                    httpSide = measure(http, modelName, roundWarmup, round, log);
                } else {
                    httpSide = measure(http, modelName, roundWarmup, round, log);
                    engineSide = measure(inProcess, modelName, roundWarmup, round, log);
                }
                reports.add(CompareReport.of(modelName, concurrency, engineSide.concurrent(), httpSide.concurrent(),
                        engineSide.single(), httpSide.single(), maxThroughputCost, maxTtftAddedMs));
            }
        }
        CompareSummary summary = CompareSummary.of(reports, maxThroughputCost, maxTtftAddedMs);
        reportOptions.emit(out, summary, table -> print(table, summary));
        boolean bothServed = reports.stream().allMatch(r -> r.engine().numSucceeded() > 0 && r.http().numSucceeded() > 0);
        return bothServed ? 0 : LoadgenCommand.EXIT_NOTHING_SUCCEEDED;
    }

    /** One side's share of a round: the concurrent phase and, when asked for, the one-at-a-time phase. */
    private record Side(LoadReport concurrent, @Nullable LoadReport single) {
    }

    private Side measure(Target side, String modelName, int numWarmup, int round, PrintWriter log) {
        log.println("kvasir: round " + (round + 1) + "/" + rounds + ": " + side.describe() + " (" + concurrency + " users, "
                + requests + " requests) ...");
        Workload workload = workloadOptions.workload();
        List<TenantSpec> users = List.of(new TenantSpec("compare", apiKey.key(), new TenantSpec.Users(concurrency)));
        LoadReport concurrent = run(side, modelName, workload, users, requests, numWarmup, CONCURRENT_PHASE, round, log);
        LoadReport single = null;
        if (singleStreamRequests > 0) {
            TenantSpec.Load oneAtATime = singleStreamRate > 0 ? new TenantSpec.Rate(singleStreamRate) : new TenantSpec.Users(1);
            List<TenantSpec> oneUser = List.of(new TenantSpec("compare", apiKey.key(), oneAtATime));
            single = run(side, modelName, workload, oneUser, singleStreamRequests, 0, SINGLE_STREAM_PHASE, round, log);
        }
        return new Side(concurrent, single);
    }

    /**
     * One side's run of one phase. Both sides send the same prompts per phase and round; phases and rounds send
     * different ones, so no run finds another's prompts in the prefix cache.
     */
    private LoadReport run(Target side, String modelName, Workload workload, List<TenantSpec> tenants, int numRequests,
            int numWarmup, long phase, int round, PrintWriter log) {
        long seed = workloadOptions.seed + phase + 2L * round;
        return LoadgenCommand.measure(side, modelName, workload, tenants, new LoadRunner.Limits(null, numRequests), numWarmup,
                seed, workloadOptions, target.endpoint(), Slo.NONE, log);
    }

    /** The gateway's engine settings for a model ({@code kvasir.models[]} defaults unless changed here). */
    EngineConfig engineConfig(LoadedModel model) {
        int numThreads = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        CacheProfile profile = CacheProfile.defaults().withScheduling(StrategyChoice.of(scheduling))
                .withPrefixIndex(StrategyChoice.of(prefixIndex));
        return EngineConfig.defaults().withNumThreads(numThreads).withKvCacheBytes(kvCacheMb << 20)
                .withMaxBatchTokens(maxBatchTokens).withMaxRunningRequests(maxRunning)
                .withMaxWaitingRequests(Math.max(256, concurrency)).withMaxContextTokens(model.config().contextLength())
                .withCacheProfile(profile);
    }

    static void print(PrintWriter out, CompareSummary summary) {
        for (int i = 0; i < summary.rounds().size(); i++) {
            out.println(ReportTable.f("round %d of %d (%s first)", i + 1, summary.rounds().size(), i % 2 == 0 ? "engine" : "HTTP"));
            print(out, summary.rounds().get(i));
            out.println();
        }
        out.println(ReportTable.f("median of %d rounds: HTTP/engine throughput %.3f (rounds %.3f-%.3f), cost %.1f%% (target <= %.1f%%: %s)",
                summary.rounds().size(), summary.throughputRatio(), summary.minThroughputRatio(), summary.maxThroughputRatio(),
                100 * summary.throughputCost(), 100 * summary.targetMaxThroughputCost(), summary.throughputTargetMet() ? "met" : "missed"));
        out.println(ReportTable.f("median of %d rounds: TTFT added %s at %d streams (target <= %.1f ms: %s)%s", summary.rounds().size(),
                ms(summary.ttftP50AddedMs()), summary.concurrency(), summary.targetMaxTtftAddedMs(),
                summary.ttftTargetMet() ? "met" : "missed", summary.singleStreamTtftP50AddedMs() == null ? ""
                        : ", " + ms(summary.singleStreamTtftP50AddedMs()) + " one at a time"));
    }

    static void print(PrintWriter out, CompareReport r) {
        out.println(ReportTable.f("HTTP path vs engine only: model %s, %d concurrent streams", r.model(), r.concurrency()));
        out.println(ReportTable.f("%-22s %14s %14s %12s %12s %12s", "", "output tok/s", "requests/s", "TTFT p50 ms",
                "TTFT p99 ms", "ITL p50 ms"));
        side(out, "engine only", r.engine());
        side(out, "HTTP (gateway)", r.http());
        if (r.engineSingle() != null && r.httpSingle() != null) {
            side(out, "engine only, 1 stream", r.engineSingle());
            side(out, "HTTP, 1 stream", r.httpSingle());
        }
        out.println(ReportTable.f("throughput: HTTP/engine %.3f, cost %.1f%% (target <= %.1f%%: %s)", r.throughputRatio(),
                100 * r.throughputCost(), 100 * r.targetMaxThroughputCost(), r.throughputTargetMet() ? "met" : "missed"));
        out.println(ReportTable.f("median TTFT added: %s at %d streams (target <= %.1f ms: %s)%s", ms(r.ttftP50AddedMs()),
                r.concurrency(), r.targetMaxTtftAddedMs(), r.ttftTargetMet() ? "met" : "missed",
                r.singleStreamTtftP50AddedMs() == null ? "" : ", " + ms(r.singleStreamTtftP50AddedMs()) + " one at a time"));
        for (LoadReport side : new LoadReport[] {r.engine(), r.http()}) {
            if (side.numFailed() > 0) {
                out.println(side.run().target() + ": " + side.numFailed() + " requests failed " + side.outcomes() + " " + side.errorExamples());
            }
        }
        LoadReport.ClientCost client = r.http().client();
        if (client != null) {
            out.println(ReportTable.f("load generator during the HTTP run: %.1f%% of one core", 100 * client.cpuCoresBusy()));
        }
    }

    private static void side(PrintWriter out, String name, LoadReport r) {
        out.println(ReportTable.f("%-22s %14.1f %14.2f %12s %12s %12s", name, r.outputTokensPerSecond(), r.requestsPerSecond(),
                r.ttftMs() == null ? "-" : ReportTable.f("%.1f", r.ttftMs().p50()),
                r.ttftMs() == null ? "-" : ReportTable.f("%.1f", r.ttftMs().p99()),
                r.itlMs() == null ? "-" : ReportTable.f("%.1f", r.itlMs().p50())));
    }

    private static String ms(@Nullable Double value) {
        return value == null ? "-" : ReportTable.f("%+.1f ms", value);
    }
}
