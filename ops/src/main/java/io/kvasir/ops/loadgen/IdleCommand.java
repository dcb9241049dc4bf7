package io.kvasir.ops.loadgen;

import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.jspecify.annotations.Nullable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ./kvasir loadgen idle}: holds many quiet SSE connections and watches the gateway's heap and threads. */
@Command(name = "idle", mixinStandardHelpOptions = true,
        description = {"Open N streaming requests at once and hold them: reports how many stayed open (and in which "
                + "state), the gateway's heap and live threads from /actuator/prometheus before, during and after, "
                + "and the load generator's own threads.",
                "The requests ask for --max-tokens each, so the engine runs a few and queues the rest, whose streams "
                        + "stay quiet; the gateway must allow N waiting requests (engine max-waiting-requests, tenant limits)."})
final class IdleCommand implements Callable<Integer> {

    @Mixin
    TargetOptions target;

    @Mixin
    ReportOptions reportOptions;

    @Mixin
    ApiKeyOptions apiKey;

    @Option(names = {"-n", "--connections"}, paramLabel = "N", defaultValue = "1000",
            description = "Streaming requests to open and hold (default: ${DEFAULT-VALUE}).")
    int connections;

    @Option(names = "--hold", paramLabel = "SECONDS", defaultValue = "30",
            description = "How long to hold them once open (default: ${DEFAULT-VALUE}).")
    double holdSeconds;

    @Option(names = "--settle", paramLabel = "SECONDS", defaultValue = "5",
            description = "Wait after opening before sampling, and after closing before the last scrape (default: ${DEFAULT-VALUE}).")
    double settleSeconds;

    @Option(names = "--sample-every", paramLabel = "SECONDS", defaultValue = "5",
            description = "Sampling interval during the hold (default: ${DEFAULT-VALUE}).")
    double sampleSeconds;

    @Option(names = "--ramp", paramLabel = "PER_SECOND", defaultValue = "0",
            description = "Open the connections at this rate (default: all at once).")
    double ramp;

    @Option(names = "--prompt-tokens", paramLabel = "N", defaultValue = "16",
            description = "Prompt length of each request (default: ${DEFAULT-VALUE}).")
    int promptTokens;

    @Option(names = "--max-tokens", paramLabel = "N", defaultValue = "256",
            description = "Output length each request asks for, with ignore_eos (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--metrics-url", paramLabel = "URL",
            description = "The gateway's Prometheus endpoint (default: --url + /actuator/prometheus).")
    @Nullable URI metricsUrl;

    @Option(names = "--metrics-user", paramLabel = "USER:PASSWORD",
            description = "Basic authentication for the metrics endpoint, if it needs it.")
    @Nullable String metricsUser;

    @Option(names = "--metric", paramLabel = "NAME",
            description = "Another gauge to sample, summed over its labels (repeatable), e.g. a queue depth.")
    List<String> extraMetrics = new ArrayList<>();

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Seed of the prompt texts (default: ${DEFAULT-VALUE}).")
    long seed;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        IdleSseProbe.Settings settings = new IdleSseProbe.Settings(connections, promptTokens, maxTokens, ramp,
                seconds(settleSeconds, "--settle"), seconds(holdSeconds, "--hold"), seconds(sampleSeconds, "--sample-every"), seed);
        String key = apiKey.key();
        String model = target.resolveModel(key);
        URI metrics = metricsUrl != null ? metricsUrl : OpenAiHttpTarget.resolve(target.url, "/actuator/prometheus");
        TenantSpec tenant = new TenantSpec("idle", key, new TenantSpec.Users(connections));
        try (OpenAiHttpTarget http = target.open(model, settings.lifetime().plusSeconds(60));
                GatewayMetrics gateway = new GatewayMetrics(metrics, metricsUser, extraMetrics)) {
            IdleReport report = new IdleSseProbe(http, tenant, gateway, settings).run(model);
            reportOptions.emit(out, report, table -> print(table, report));
            return report.heldAtEnd() > 0 ? 0 : LoadgenCommand.EXIT_NOTHING_SUCCEEDED;
        }
    }

    private static Duration seconds(double value, String option) {
        if (!(value >= 0) || !Double.isFinite(value)) {
            throw new IllegalArgumentException(option + " must be a number of seconds >= 0, got " + value);
        }
        return Duration.ofNanos(Math.round(value * 1e9));
    }

    static void print(PrintWriter out, IdleReport r) {
        out.println(ReportTable.f("target %s, model %s: %d streaming requests (prompt %d, max_tokens %d), held %.0f s",
                r.target(), r.model(), r.connectionsRequested(), r.promptTokens(), r.maxTokens(), r.holdSeconds()));
        out.println(ReportTable.f("held: %d at the end of the hold (fewest in any sample %d): %s; %d heartbeat comments received",
                r.heldAtEnd(), r.heldMin(), r.statesAtEnd(), r.heartbeats()));
        if (!r.endedEarly().isEmpty()) {
            out.println("ended before the probe closed them: " + r.endedEarly());
            r.errorExamples().forEach((outcome, message) -> out.println("  " + outcome + ": " + message));
        }
        out.println(ReportTable.f("%-26s %12s %12s %12s", "", "before", "during (max)", "after"));
        gauge(out, "gateway heap (MB)", r.gatewayHeapMb());
        gauge(out, "gateway live threads", r.gatewayLiveThreads());
        for (Map.Entry<String, IdleReport.Gauge> e : r.extraMetrics().entrySet()) {
            gauge(out, e.getKey(), e.getValue());
        }
        gauge(out, "load generator threads", r.clientLiveThreads());
        gauge(out, "load generator heap (MB)", r.clientHeapMb());
        if (r.gatewayHeapPerHeldConnectionKb() != null) {
            out.println(ReportTable.f("gateway heap per held connection: %.1f KB", r.gatewayHeapPerHeldConnectionKb()));
        }
        if (r.metricsError() != null) {
            out.println("gateway metrics: " + r.metricsError());
        }
    }

    private static void gauge(PrintWriter out, String name, IdleReport.Gauge g) {
        out.println(ReportTable.f("%-26s %12s %12s %12s", name, num(g.before()), num(g.duringMax()), num(g.after())));
    }

    private static String num(@Nullable Double value) {
        return value == null ? "-" : ReportTable.f("%.1f", value);
    }
}
