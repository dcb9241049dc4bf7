package io.kvasir.ops.loadgen;

import org.jspecify.annotations.Nullable;

/**
 * A fairness scenario: the victim tenant's TTFT p99 running alone and while other tenants flood the gateway.
 *
 * @param ratio flooded p99 over alone p99; null when either run had no successful victim request
 * @param met whether the ratio is at most {@code targetMaxRatio}
 */
record FairnessReport(String victim, @Nullable Double victimTtftP99AloneMs, @Nullable Double victimTtftP99FloodedMs,
        @Nullable Double ratio, double targetMaxRatio, boolean met, LoadReport alone, LoadReport flooded) {

    /** The victim is tenant 0 of both runs. */
    static FairnessReport of(LoadReport alone, LoadReport flooded, double targetMaxRatio) {
        LoadReport.TenantReport victimAlone = alone.tenants().getFirst();
        LoadReport.TenantReport victimFlooded = flooded.tenants().getFirst();
        Double aloneP99 = victimAlone.ttftMs() == null ? null : victimAlone.ttftMs().p99();
        Double floodedP99 = victimFlooded.ttftMs() == null ? null : victimFlooded.ttftMs().p99();
        Double ratio = aloneP99 == null || floodedP99 == null || aloneP99 <= 0 ? null : floodedP99 / aloneP99;
        return new FairnessReport(victimAlone.name(), aloneP99, floodedP99, ratio, targetMaxRatio,
                ratio != null && ratio <= targetMaxRatio, alone, flooded);
    }
}
