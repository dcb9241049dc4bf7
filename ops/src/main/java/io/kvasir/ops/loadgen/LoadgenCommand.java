package io.kvasir.ops.loadgen;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.jspecify.annotations.Nullable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./kvasir loadgen}: drives a Kvasir gateway (or any OpenAI-compatible server) over HTTP like a fleet of
 * users and reports throughput, TTFT, ITL, TPOT, goodput, errors and each tenant's share. Subcommands measure
 * idle SSE connections ({@code idle}), the HTTP path's cost against the engine alone ({@code compare}) and
 * fairness under a flooding tenant ({@code fairness}).
 *
 * <p>Exit status: 0 when at least one request succeeded, 1 when none did (the gateway is unreachable or
 * refuses every request; the report says why), 2 for a bad option.
 */
@Command(name = "loadgen", mixinStandardHelpOptions = true,
        description = {"Drive a Kvasir gateway over its OpenAI-compatible streaming API like a fleet of users: Poisson "
                + "arrivals or closed-loop users, per tenant; report throughput, TTFT/ITL/TPOT percentiles, goodput "
                + "under an SLO, errors by status and tokens per tenant.",
                "Examples: loadgen --concurrency 16 --requests 64;  loadgen --tenant a:KEY1:2 --tenant b:KEY2:users=8 --duration 60"},
        subcommands = {IdleCommand.class, CompareCommand.class, FairnessCommand.class})
public final class LoadgenCommand implements Callable<Integer> {

    /** Exit status of a run in which no request succeeded. */
    static final int EXIT_NOTHING_SUCCEEDED = 1;

    @Mixin
    TargetOptions target;

    @Mixin
    WorkloadOptions workloadOptions;

    @Mixin
    SloOptions sloOptions;

    @Mixin
    ReportOptions reportOptions;

    @Option(names = "--tenant", paramLabel = "NAME:KEY:LOAD",
            description = {"A tenant with its API key and load: a Poisson rate in requests/s (NAME:KEY:2.5 or rate=2.5) "
                    + "or closed-loop users (NAME:KEY:users=8). Repeatable; replaces --api-key, --rate and --concurrency."})
    List<String> tenantSpecs = new ArrayList<>();

    @Mixin
    ApiKeyOptions apiKey;

    @Option(names = "--rate", paramLabel = "R", description = "Open loop: Poisson arrivals at R requests/s.")
    @Nullable Double rate;

    @Option(names = {"-c", "--concurrency"}, paramLabel = "N",
            description = "Closed loop: N users, each sending its next request when the previous one ends.")
    @Nullable Integer concurrency;

    @Option(names = "--requests", paramLabel = "N",
            description = "Stop after N requests (default: 64 when --duration is not given either).")
    @Nullable Integer requests;

    @Option(names = "--duration", paramLabel = "SECONDS", description = "Stop sending after this many seconds.")
    @Nullable Double durationSeconds;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "0",
            description = "Requests sent and not measured before the run (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        List<TenantSpec> tenants = tenants();
        LoadRunner.Limits limits = limits(durationSeconds, requests);
        Workload workload = workloadOptions.workload();
        String model = target.resolveModel(tenants.getFirst().apiKey());
        try (OpenAiHttpTarget http = target.open(model, Duration.ZERO)) {
            LoadReport report = measure(http, model, workload, tenants, limits, warmup, workloadOptions.seed, workloadOptions,
                    target.endpoint(), sloOptions.slo(), spec.commandLine().getErr());
            reportOptions.emit(out, report, table -> ReportTable.print(table, report));
            return report.numSucceeded() > 0 ? 0 : EXIT_NOTHING_SUCCEEDED;
        }
    }

    /**
     * Warms up, runs and reports one load against {@code target}; arrivals follow the workload's seed, prompts
     * {@code contentSeed}.
     */
    static LoadReport measure(Target target, String model, Workload workload, List<TenantSpec> tenants,
            LoadRunner.Limits limits, int warmup, long contentSeed, WorkloadOptions options, OpenAiHttpTarget.Endpoint endpoint,
            Slo slo, PrintWriter log) {
        if (warmup < 0) {
            throw new IllegalArgumentException("--warmup must not be negative, got " + warmup);
        }
        LoadRunner runner = new LoadRunner(target, workload, tenants, options.seed, contentSeed);
        int failedWarmup = runner.warmUp(warmup, warmupConcurrency(tenants));
        if (failedWarmup > 0) {
            log.println("kvasir: " + failedWarmup + " of " + warmup + " warm-up requests to " + target.describe() + " failed");
        }
        LoadRunner.Result result = runner.run(limits);
        RunDescription run = options.describe(target.describe(), model, endpoint.label(), workload, tenants);
        return LoadReport.of(run, result.records(), result.startNanos(), slo, result.client());
    }

    /** Closed-loop users warm up as many at once as they will run; an open loop warms up four at a time. */
    static int warmupConcurrency(List<TenantSpec> tenants) {
        int users = 0;
        for (TenantSpec t : tenants) {
            users += t.load() instanceof TenantSpec.Users u ? u.count() : 0;
        }
        return users > 0 ? users : 4;
    }

    static LoadRunner.Limits limits(@Nullable Double durationSeconds, @Nullable Integer requests) {
        if (durationSeconds != null && !(durationSeconds > 0 && Double.isFinite(durationSeconds))) {
            throw new IllegalArgumentException("--duration must be a positive number of seconds, got " + durationSeconds);
        }
        if (requests != null && requests < 1) {
            throw new IllegalArgumentException("--requests must be at least 1, got " + requests);
        }
        Duration duration = durationSeconds == null ? null : Duration.ofNanos(Math.round(durationSeconds * 1e9));
        int count = requests != null ? requests : duration == null ? 64 : 0;
        return new LoadRunner.Limits(duration, count);
    }

    private List<TenantSpec> tenants() {
        if (!tenantSpecs.isEmpty()) {
            if (rate != null || concurrency != null) {
                throw new IllegalArgumentException("--rate and --concurrency apply to the single default tenant; "
                        + "with --tenant give each tenant's load in its spec (NAME:KEY:RATE or NAME:KEY:users=N)");
            }
            List<TenantSpec> tenants = new ArrayList<>();
            for (String s : tenantSpecs) {
                TenantSpec tenant = TenantSpec.parse(s, "--tenant");
                if (tenants.stream().anyMatch(t -> t.name().equals(tenant.name()))) {
                    throw new IllegalArgumentException("--tenant: the name '" + tenant.name() + "' is used twice");
                }
                tenants.add(tenant);
            }
            return tenants;
        }
        if ((rate == null) == (concurrency == null)) {
            throw new IllegalArgumentException("give exactly one of --rate (open loop) and --concurrency (closed loop), or --tenant");
        }
        if (rate != null && !(rate > 0 && Double.isFinite(rate))) {
            throw new IllegalArgumentException("--rate must be a positive number of requests/s, got " + rate);
        }
        if (concurrency != null && concurrency < 1) {
            throw new IllegalArgumentException("--concurrency must be at least 1, got " + concurrency);
        }
        TenantSpec.Load load = rate != null ? new TenantSpec.Rate(rate) : new TenantSpec.Users(concurrency);
        return List.of(new TenantSpec("default", apiKey.key(), load));
    }
}
