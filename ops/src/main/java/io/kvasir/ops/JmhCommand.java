package io.kvasir.ops;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/** Runs the JMH micro-benchmarks (matrix products per tensor type, attention per KV codec). */
@Command(name = "jmh",
        description = "Run the JMH micro-benchmarks; arguments go to JMH (e.g. MatMulBenchmark -p type=Q8_0 -p batch=1).")
final class JmhCommand implements Callable<Integer> {

    /** Everything after {@code jmh}, options included, goes to JMH unchanged. */
    @Unmatched
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        List<String> jmhArgs = new ArrayList<>(args);
        if (jmhArgs.isEmpty()) {
            jmhArgs.add("io.kvasir.ops.jmh");
        }
        org.openjdk.jmh.Main.main(jmhArgs.toArray(String[]::new));
        return 0;
    }
}
