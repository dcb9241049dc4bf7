package io.kvasir.ops.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

import io.kvasir.ops.eval.EvalReport.FairnessReport;
import io.kvasir.ops.eval.EvalReport.FairnessRun;
import io.kvasir.ops.eval.EvalReport.FidelityRow;
import io.kvasir.ops.eval.EvalReport.PrefixReport;
import io.kvasir.ops.eval.EvalReport.PrefixRow;
import io.kvasir.ops.eval.EvalReport.PreemptionReport;
import io.kvasir.ops.eval.EvalReport.PreemptionRow;
import io.kvasir.ops.eval.EvalReport.TargetCheck;
import io.kvasir.ops.eval.EvalReport.Verdict;

/**
 * The goals set for the KV-cache strategies, checked against one evaluation's numbers. Codec goals must
 * hold in both prompt modes (the worse one counts); eviction goals are judged in the {@code split} mode,
 * the one where every policy, SnapKV included, sees a real prompt.
 */
final class Targets {

    private Targets() {
    }

    static List<TargetCheck> check(List<FidelityRow> fidelity, @Nullable PrefixReport prefix, @Nullable FairnessReport fairness,
            @Nullable PreemptionReport preemption) {
        List<TargetCheck> checks = new ArrayList<>();
        checks.add(codec(fidelity, "int8", 3.5, 0.99));
        checks.add(codec(fidelity, "fp8-e4m3", 0, 0.98));
        checks.add(codec(fidelity, "int4-kivi", 5, 0.95));
        checks.add(beats(fidelity, "streaming, 4 sinks", "streaming, no sinks"));
        checks.add(beats(fidelity, "h2o", "streaming, 4 sinks"));
        checks.add(beats(fidelity, "snapkv", "streaming, 4 sinks"));
        checks.addAll(prefix(prefix));
        checks.add(fairness(fairness));
        checks.add(preemption(preemption));
        return checks;
    }

    private static TargetCheck codec(List<FidelityRow> rows, String codec, double minReduction, double minTop1) {
        String target = minReduction > 0
                ? String.format(Locale.ROOT, "%s: >= %.1fx less KV memory than f32, top-1 >= %.0f%%", codec, minReduction, 100 * minTop1)
                : String.format(Locale.ROOT, "%s: top-1 >= %.0f%%", codec, 100 * minTop1);
        List<FidelityRow> measured = measuredRows(rows, codec);
        if (measured.isEmpty()) {
            return new TargetCheck(target, notMeasured(rows, codec), Verdict.NOT_MEASURED);
        }
        double worstTop1 = 1;
        StringBuilder top1s = new StringBuilder();
        for (FidelityRow row : measured) {
            worstTop1 = Math.min(worstTop1, row.top1Agreement());
            top1s.append(top1s.isEmpty() ? "" : ", ").append(row.mode()).append(' ').append(percent(row.top1Agreement()));
        }
        double reduction = measured.getFirst().kvReduction();
        double sequenceReduction = sequenceReduction(rows, measured);
        boolean holds = Math.min(reduction, sequenceReduction) >= minReduction && worstTop1 >= minTop1;
        return new TargetCheck(target, String.format(Locale.ROOT, "%.2fx less per token, %.2fx per sequence; top-1 %s",
                reduction, sequenceReduction, top1s), verdict(holds));
    }

    /**
     * The smallest ratio of the reference's KV bytes for one sequence to the codec's (the first story alone, with the
     * staging of its partly filled block where the codec keeps one), over the modes measured.
     */
    private static double sequenceReduction(List<FidelityRow> rows, List<FidelityRow> measured) {
        double worst = Double.POSITIVE_INFINITY;
        for (FidelityRow row : measured) {
            FidelityRow reference = row(rows, FidelityEval.REFERENCE, row.mode());
            if (reference != null && row.sequencePeakKvBytes() > 0) {
                worst = Math.min(worst, (double) reference.sequencePeakKvBytes() / row.sequencePeakKvBytes());
            }
        }
        return worst == Double.POSITIVE_INFINITY ? Double.NaN : worst;
    }

    private static TargetCheck beats(List<FidelityRow> rows, String winner, String loser) {
        String target = winner + " beats " + loser + " on top-1 (50% budget, split prompt)";
        FidelityRow w = row(rows, winner, FidelityEval.SPLIT);
        FidelityRow l = row(rows, loser, FidelityEval.SPLIT);
        if (w == null || l == null) {
            return new TargetCheck(target, notMeasured(rows, w == null ? winner : loser), Verdict.NOT_MEASURED);
        }
        FidelityRow wForced = row(rows, winner, FidelityEval.FORCED);
        FidelityRow lForced = row(rows, loser, FidelityEval.FORCED);
        String forced = wForced == null || lForced == null ? ""
                : String.format(Locale.ROOT, " (forced mode: %s vs %s)", percent(wForced.top1Agreement()), percent(lForced.top1Agreement()));
        return new TargetCheck(target, String.format(Locale.ROOT, "%s vs %s%s", percent(w.top1Agreement()),
                percent(l.top1Agreement()), forced), verdict(w.top1Agreement() > l.top1Agreement()));
    }

    private static List<TargetCheck> prefix(@Nullable PrefixReport prefix) {
        String hitTarget = "prefix caching: >= 85% of prompt tokens from the cache (shared prefix)";
        String ttftTarget = "prefix caching: median TTFT >= 3x lower than without the cache";
        String lpmTarget = "lpm raises the hit rate over fcfs (pool too small for all prefixes)";
        if (prefix == null) {
            return List.of(new TargetCheck(hitTarget, "not run", Verdict.NOT_MEASURED),
                    new TargetCheck(ttftTarget, "not run", Verdict.NOT_MEASURED),
                    new TargetCheck(lpmTarget, "not run", Verdict.NOT_MEASURED));
        }
        PrefixRow off = prefixRow(prefix, "shared", "none", "fcfs");
        StringBuilder hits = new StringBuilder();
        StringBuilder speedups = new StringBuilder();
        boolean hitsHold = true;
        boolean ttftHolds = true;
        for (String index : new String[] {"hash", "radix"}) {
            PrefixRow on = prefixRow(prefix, "shared", index, "fcfs");
            hits.append(hits.isEmpty() ? "" : ", ").append(index).append(' ').append(percent(on.cachedFraction()));
            double speedup = off.medianTtftMillis() / on.medianTtftMillis();
            speedups.append(speedups.isEmpty() ? "" : ", ").append(String.format(Locale.ROOT, "%s %.1fx (%.1f ms vs %.1f ms)",
                    index, speedup, on.medianTtftMillis(), off.medianTtftMillis()));
            hitsHold &= on.cachedFraction() >= 0.85;
            ttftHolds &= speedup >= 3;
        }
        PrefixRow fcfs = prefixRow(prefix, "pressured", "radix", "fcfs");
        PrefixRow lpm = prefixRow(prefix, "pressured", "radix", "lpm");
        return List.of(new TargetCheck(hitTarget, hits.toString(), verdict(hitsHold)),
                new TargetCheck(ttftTarget, speedups.toString(), verdict(ttftHolds)),
                new TargetCheck(lpmTarget, "lpm " + percent(lpm.cachedFraction()) + " vs fcfs " + percent(fcfs.cachedFraction()),
                        verdict(lpm.cachedFraction() > fcfs.cachedFraction())));
    }

    private static TargetCheck fairness(@Nullable FairnessReport fairness) {
        String target = "vtc at weights 2:1: service ratio 2 +- 0.2";
        if (fairness == null) {
            return new TargetCheck(target, "not run", Verdict.NOT_MEASURED);
        }
        for (FairnessRun run : fairness.runs()) {
            if (run.policy().startsWith("vtc") && run.lightWeight() == 2 * run.heavyWeight()) {
                double ratio = run.lightToHeavyRatio();
                return new TargetCheck(target, String.format(Locale.ROOT, "light/heavy %.2f", ratio), verdict(Math.abs(ratio - 2) <= 0.2));
            }
        }
        return new TargetCheck(target, "no weighted vtc run", Verdict.NOT_MEASURED);
    }

    private static TargetCheck preemption(@Nullable PreemptionReport preemption) {
        String target = "preemption: every request completes with the unpressured run's tokens";
        if (preemption == null) {
            return new TargetCheck(target, "not run", Verdict.NOT_MEASURED);
        }
        StringBuilder measured = new StringBuilder();
        boolean holds = true;
        for (PreemptionRow row : preemption.rows()) {
            measured.append(measured.isEmpty() ? "" : "; ").append(String.format(Locale.ROOT,
                    "%s: %d/%d complete, %d/%d identical, %d preemptions", row.preemption(), row.numCompleted(), row.numRequests(),
                    row.numIdentical(), row.numRequests(), row.numPreemptions()));
            holds &= row.numCompleted() == row.numRequests() && row.numIdentical() == row.numRequests() && row.numPreemptions() > 0;
        }
        return new TargetCheck(target, measured.toString(), verdict(holds));
    }

    private static List<FidelityRow> measuredRows(List<FidelityRow> rows, String setting) {
        List<FidelityRow> measured = new ArrayList<>();
        for (FidelityRow row : rows) {
            if (row.setting().equals(setting) && row.status().equals(EvalReport.OK)) {
                measured.add(row);
            }
        }
        return measured;
    }

    private static @Nullable FidelityRow row(List<FidelityRow> rows, String setting, String mode) {
        for (FidelityRow row : rows) {
            if (row.setting().equals(setting) && row.mode().equals(mode) && row.status().equals(EvalReport.OK)) {
                return row;
            }
        }
        return null;
    }

    private static String notMeasured(List<FidelityRow> rows, String setting) {
        for (FidelityRow row : rows) {
            if (row.setting().equals(setting)) {
                return setting + " " + row.status() + (row.message() == null ? "" : ": " + row.message());
            }
        }
        return setting + " not run";
    }

    private static PrefixRow prefixRow(PrefixReport report, String workload, String index, String scheduling) {
        for (PrefixRow row : report.rows()) {
            if (row.workload().equals(workload) && row.prefixIndex().equals(index) && row.scheduling().equals(scheduling)) {
                return row;
            }
        }
        throw new IllegalStateException("the prefix report lacks " + workload + "/" + index + "/" + scheduling);
    }

    static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.2f%%", 100 * fraction);
    }

    private static Verdict verdict(boolean holds) {
        return holds ? Verdict.HOLDS : Verdict.FALLS_SHORT;
    }
}
