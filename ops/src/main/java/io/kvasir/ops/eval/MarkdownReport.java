package io.kvasir.ops.eval;

import java.util.Locale;

import io.kvasir.ops.eval.EvalReport.FairnessRun;
import io.kvasir.ops.eval.EvalReport.FidelityRow;
import io.kvasir.ops.eval.EvalReport.PrefixRow;
import io.kvasir.ops.eval.EvalReport.PreemptionRow;
import io.kvasir.ops.eval.EvalReport.TargetCheck;

/** Renders an {@link EvalReport} as Markdown tables, one per workload, then the targets. */
public final class MarkdownReport {

    private MarkdownReport() {
    }

    public static String render(EvalReport report) {
        StringBuilder md = new StringBuilder();
        md.append("# KV-cache strategy evaluation\n\n");
        md.append(String.format(Locale.ROOT, "Model `%s`, %d threads, corpus `%s` (%d stories, %d tokens).%n%n", report.model(),
                report.numThreads(), report.corpus(), report.numStories(), report.numCorpusTokens()));
        if (!report.fidelity().isEmpty()) {
            fidelity(md, report);
        }
        if (report.prefix() != null) {
            md.append("## Prefix caching\n\n").append(report.prefix().description()).append(".\n\n");
            md.append("| workload | index | scheduling | requests | prompt tokens | from cache | cached | median TTFT (ms) | wall (s) | pool blocks |\n");
            md.append("|---|---|---|--:|--:|--:|--:|--:|--:|--:|\n");
            for (PrefixRow r : report.prefix().rows()) {
                md.append(String.format(Locale.ROOT, "| %s | %s | %s | %d | %d | %d | %s | %.1f | %.2f | %d |%n", r.workload(),
                        r.prefixIndex(), r.scheduling(), r.numRequests(), r.numPromptTokens(), r.numCachedPromptTokens(),
                        Targets.percent(r.cachedFraction()), r.medianTtftMillis(), r.wallSeconds(), r.numKvBlocks()));
            }
            md.append('\n');
        }
        if (report.fairness() != null) {
            md.append("## Fairness\n\n").append(report.fairness().description()).append(".\n\n");
            md.append("| run | weights heavy:light | heavy service | light service | light / heavy | tokens/s | service/s | completed |\n");
            md.append("|---|---|--:|--:|--:|--:|--:|--:|\n");
            for (FairnessRun r : report.fairness().runs()) {
                md.append(String.format(Locale.ROOT, "| %s | %s:%s | %d | %d | %.2f | %.0f | %.0f | %d |%n", r.policy(),
                        num(r.heavyWeight()), num(r.lightWeight()), r.heavyService(), r.lightService(), r.lightToHeavyRatio(),
                        r.generatedTokensPerSecond(), r.servicePerSecond(), r.numCompleted()));
            }
            md.append("\nCumulative service over time:\n\n```csv\n").append(report.fairness().curvesCsv()).append("```\n\n");
        }
        if (report.preemption() != null) {
            md.append("## Preemption\n\n").append(report.preemption().description()).append(".\n\n");
            md.append("| preemption | requests | completed | identical tokens | preemptions | wall (s) | tokens computed | recomputed |\n");
            md.append("|---|--:|--:|--:|--:|--:|--:|--:|\n");
            preemptionRow(md, report.preemption().baseline());
            for (PreemptionRow r : report.preemption().rows()) {
                preemptionRow(md, r);
            }
            md.append('\n');
        }
        md.append("## Targets\n\n| target | measured | verdict |\n|---|---|---|\n");
        for (TargetCheck t : report.targets()) {
            md.append("| ").append(t.target()).append(" | ").append(t.measured()).append(" | ")
                    .append(t.verdict().name().toLowerCase(Locale.ROOT).replace('_', ' ')).append(" |\n");
        }
        return md.toString();
    }

    private static void fidelity(StringBuilder md, EvalReport report) {
        md.append("## Fidelity, memory and speed\n\n");
        md.append("Teacher forcing through the engine; every row is compared with an f32, no-eviction engine fed the same tokens. ")
                .append("`forced`: prompt = BOS + first token, the rest forced; `split`: the first half of each story is the prompt, ")
                .append("the second half forced. Eviction runs at a 50% budget. KV B/token: the blocks' bytes per token; KV/sequence: ")
                .append("the first story alone, and peak KV in use: a wave of stories decoding together, both with the staging ")
                .append("of partly filled blocks (int4-kivi keeps their keys in f16 outside the blocks). ")
                .append("Near-tie flips: the share of top-1 disagreements where the reference ")
                .append("gave both tokens log-probabilities within 0.1 nats.\n\n");
        md.append("| setting | mode | KV B/token | less than f32 | KV/sequence (KiB) | peak KV in use (KiB) | perplexity | top-1 vs f32 | near-tie flips | KL (nats) | decode tok/s | status |\n");
        md.append("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|\n");
        java.util.Set<String> notes = new java.util.LinkedHashSet<>();
        for (FidelityRow r : report.fidelity()) {
            if (r.message() != null) {
                notes.add("- " + r.setting() + ": " + r.status() + ": " + r.message());
            }
            if (r.status().equals(EvalReport.NOT_RUN)) {
                md.append(String.format(Locale.ROOT, "| %s | %s | | | | | | | | | | %s |%n", r.setting(), r.mode(), r.status()));
                continue;
            }
            md.append(String.format(Locale.ROOT, "| %s | %s | %.1f | %.2fx | %.1f | %.1f | %.3f | %s | %s | %.2e | %.0f | %s |%n",
                    r.setting(), r.mode(), r.kvBytesPerToken(), r.kvReduction(), r.sequencePeakKvBytes() / 1024.0,
                    r.peakKvBytes() / 1024.0, r.perplexity(), Targets.percent(r.top1Agreement()),
                    r.top1Agreement() == 1 ? "-" : Targets.percent(r.nearTieShareOfFlips()), r.meanKl(),
                    r.decodeTokensPerSecond(), r.status()));
        }
        md.append('\n');
        for (String note : notes) {
            md.append(note).append('\n');
        }
        if (!notes.isEmpty()) {
            md.append('\n');
        }
    }

    private static void preemptionRow(StringBuilder md, PreemptionRow r) {
        md.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %d | %.2f | %d | %d |%n", r.preemption(), r.numRequests(),
                r.numCompleted(), r.numIdentical(), r.numPreemptions(), r.wallSeconds(), r.numTokensComputed(), r.numTokensRecomputed()));
    }

    private static String num(double w) {
        return w == Math.rint(w) ? Long.toString((long) w) : Double.toString(w);
    }
}
