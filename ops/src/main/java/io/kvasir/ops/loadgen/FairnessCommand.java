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
 * {@code ./kvasir loadgen fairness}: the victim tenant's TTFT p99 alone, then with flooding tenants beside it,
 * for the same duration and arrival seed (a closed-loop flooder leaves the victim's open-loop arrivals identical
 * in both runs) but different prompts, so the second run finds nothing of the first in the prefix cache.
 */
@Command(name = "fairness", mixinStandardHelpOptions = true,
        description = {"Run the victim tenant alone, then with the flooders beside it, and compare the victim's TTFT p99.",
                "Target (issue 4): the victim's flooded p99 at most 2x its p99 alone. Example: "
                        + "fairness --victim quiet:KEY1:0.5 --flooder flood:KEY2:users=16 --duration 120"})
final class FairnessCommand implements Callable<Integer> {

    @Mixin
    TargetOptions target;

    @Mixin
    WorkloadOptions workloadOptions;

    @Mixin
    SloOptions sloOptions;

    @Mixin
    ReportOptions reportOptions;

    @Option(names = "--victim", paramLabel = "NAME:KEY:LOAD", required = true,
            description = "The tenant whose latency is watched (a modest rate, e.g. quiet:KEY:0.5).")
    String victim;

    @Option(names = "--flooder", paramLabel = "NAME:KEY:LOAD", required = true,
            description = "A tenant that floods the gateway (e.g. flood:KEY:users=16); repeatable.")
    List<String> flooders = new ArrayList<>();

    @Option(names = "--duration", paramLabel = "SECONDS", defaultValue = "60",
            description = "Length of each of the two runs (default: ${DEFAULT-VALUE}).")
    double durationSeconds;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "0",
            description = "Unmeasured victim requests before the first run (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--max-ratio", paramLabel = "X", defaultValue = "2",
            description = "Target: the victim's flooded TTFT p99 over its p99 alone (default: ${DEFAULT-VALUE}).")
    double maxRatio;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter log = spec.commandLine().getErr();
        TenantSpec victimTenant = TenantSpec.parse(victim, "--victim");
        List<TenantSpec> everyone = new ArrayList<>(List.of(victimTenant));
        for (String s : flooders) {
            everyone.add(TenantSpec.parse(s, "--flooder"));
        }
        LoadRunner.Limits limits = LoadgenCommand.limits(durationSeconds, null);
        Workload workload = workloadOptions.workload();
        String model = target.resolveModel(victimTenant.apiKey());
        try (OpenAiHttpTarget http = target.open(model, Duration.ZERO)) {
            log.println("kvasir: " + victimTenant.name() + " alone for " + durationSeconds + " s ...");
            LoadReport alone = LoadgenCommand.measure(http, model, workload, List.of(victimTenant), limits, warmup,
                    workloadOptions.seed, workloadOptions, target.endpoint(), sloOptions.slo(), log);
            log.println("kvasir: " + victimTenant.name() + " with " + (everyone.size() - 1) + " flooding tenant(s) ...");
            // New prompts (same arrivals): the victim's second run must not find its first run's prompts cached.
            LoadReport flooded = LoadgenCommand.measure(http, model, workload, everyone, limits, 0, workloadOptions.seed + 1,
                    workloadOptions, target.endpoint(), sloOptions.slo(), log);
            FairnessReport report = FairnessReport.of(alone, flooded, maxRatio);
            reportOptions.emit(spec.commandLine().getOut(), report, table -> print(table, report));
            return alone.numSucceeded() > 0 && flooded.numSucceeded() > 0 ? 0 : LoadgenCommand.EXIT_NOTHING_SUCCEEDED;
        }
    }

    static void print(PrintWriter out, FairnessReport r) {
        out.println("== " + r.victim() + " alone");
        ReportTable.print(out, r.alone());
        out.println("== " + r.victim() + " with flooding tenants");
        ReportTable.print(out, r.flooded());
        out.println(ReportTable.f("fairness: %s's TTFT p99 %s ms alone, %s ms flooded, ratio %s (target <= %.1fx: %s)",
                r.victim(), num(r.victimTtftP99AloneMs()), num(r.victimTtftP99FloodedMs()), num(r.ratio()),
                r.targetMaxRatio(), r.met() ? "met" : "missed"));
    }

    private static String num(@Nullable Double value) {
        return value == null ? "-" : ReportTable.f("%.2f", value);
    }
}
