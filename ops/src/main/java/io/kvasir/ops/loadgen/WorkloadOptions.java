package io.kvasir.ops.loadgen;

import java.util.List;

import picocli.CommandLine.Option;

/** What the simulated users send: prompt and output lengths, a shared system prompt, the seed. */
final class WorkloadOptions {

    @Option(names = "--prompt-tokens", paramLabel = "N|MIN..MAX|normal:MEAN,SD[,MIN,MAX]", defaultValue = "128",
            description = "Prompt length per request, in token-ish pieces of real text (default: ${DEFAULT-VALUE}).")
    String promptTokens;

    @Option(names = "--output-tokens", paramLabel = "N|MIN..MAX|normal:MEAN,SD[,MIN,MAX]", defaultValue = "32",
            description = "Output length per request, sent as max_tokens with ignore_eos (default: ${DEFAULT-VALUE}).")
    String outputTokens;

    @Option(names = "--system-prompt-tokens", paramLabel = "N", defaultValue = "0",
            description = "A system prompt of N token-ish pieces shared by every request, for the prefix cache (default: none).")
    int systemPromptTokens;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
            description = "Seed of arrivals, lengths and prompt texts (default: ${DEFAULT-VALUE}).")
    long seed;

    Workload workload() {
        return new Workload(PromptCorpus.builtIn(), LengthDistribution.parse(promptTokens, "--prompt-tokens"),
                LengthDistribution.parse(outputTokens, "--output-tokens"), systemPromptTokens, seed);
    }

    /** The report header of a run of {@code workload} with these tenants. */
    RunDescription describe(String target, String model, String endpoint, Workload workload, List<TenantSpec> tenants) {
        return new RunDescription(target, model, endpoint, workload.promptTokens().spec(), workload.outputTokens().spec(),
                workload.systemPromptTokens(), seed,
                tenants.stream().map(t -> new RunDescription.Tenant(t.name(), t.load().spec())).toList());
    }
}
