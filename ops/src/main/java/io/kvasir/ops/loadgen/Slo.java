package io.kvasir.ops.loadgen;

import org.jspecify.annotations.Nullable;

/**
 * A service-level objective on time to first token and time per output token, as in DistServe's goodput:
 * a request meets it when it succeeded, its TTFT is at most {@code ttftMillis} and its TPOT at most
 * {@code tpotMillis}. An unset bound always holds; a request with fewer than two output tokens has no TPOT
 * and meets the TPOT bound.
 */
record Slo(@Nullable Double ttftMillis, @Nullable Double tpotMillis) {

    static final Slo NONE = new Slo(null, null);

    Slo {
        if (ttftMillis != null && !(ttftMillis > 0)) {
            throw new IllegalArgumentException("--slo-ttft-ms must be positive, got " + ttftMillis);
        }
        if (tpotMillis != null && !(tpotMillis > 0)) {
            throw new IllegalArgumentException("--slo-tpot-ms must be positive, got " + tpotMillis);
        }
    }

    boolean isSet() {
        return ttftMillis != null || tpotMillis != null;
    }

    boolean isMetBy(RequestRecord request) {
        if (!request.succeeded()) {
            return false;
        }
        if (ttftMillis != null && (!request.hasFirstToken() || request.ttftNanos() / 1e6 > ttftMillis)) {
            return false;
        }
        double tpot = request.tpotMillis();
        return tpotMillis == null || Double.isNaN(tpot) || tpot <= tpotMillis;
    }
}
