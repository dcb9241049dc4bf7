package io.kvasir.ops.loadgen;

import org.jspecify.annotations.Nullable;

import picocli.CommandLine.Option;

/** The SLO goodput is counted under. */
final class SloOptions {

    @Option(names = "--slo-ttft-ms", paramLabel = "MS", description = "Goodput counts requests whose TTFT is at most MS.")
    @Nullable Double ttftMs;

    @Option(names = "--slo-tpot-ms", paramLabel = "MS", description = "Goodput counts requests whose TPOT is at most MS.")
    @Nullable Double tpotMs;

    Slo slo() {
        return new Slo(ttftMs, tpotMs);
    }
}
