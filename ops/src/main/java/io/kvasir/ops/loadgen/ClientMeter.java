package io.kvasir.ops.loadgen;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * Measures what the load generator's own process spends during a run: CPU time (all threads) and the most
 * platform threads alive at once (virtual threads are not counted by the JVM's thread bean, and cost no
 * kernel thread each).
 */
final class ClientMeter {

    private final long startCpuNanos;
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

    private ClientMeter() {
        threads.resetPeakThreadCount();
        this.startCpuNanos = processCpuNanos();
    }

    static ClientMeter start() {
        return new ClientMeter();
    }

    /** The cost since {@link #start()}, over a run of {@code seconds}. */
    LoadReport.ClientCost stop(double seconds, double maxScheduleLagMs) {
        double cpuSeconds = Math.max(0, processCpuNanos() - startCpuNanos) / 1e9;
        return new LoadReport.ClientCost(cpuSeconds, seconds > 0 ? cpuSeconds / seconds : 0, maxScheduleLagMs,
                threads.getPeakThreadCount());
    }

    /** CPU time of the whole process so far; 0 where the platform does not report it. */
    static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return Math.max(0, os.getProcessCpuTime());
        }
        return 0;
    }
}
