package io.kvasir.engine.kernel;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import io.kvasir.engine.gguf.GgmlType;

/**
 * A main-style microbenchmark for iterating on the kernels (not a test; JMH benchmarks belong in ops).
 *
 * <p>Prints the bandwidth probe, then GB/s (weight bytes streamed) and GFLOP/s for single matrices, then a
 * TinyLlama-1.1B-shaped stack of matrices (22 layers plus the output projection, about 1.1 GB in Q8_0) as
 * decode, 16-sequence decode and 128-token prefill steps, so the figures compare with llama.cpp's tokens per
 * second. Every figure is the median of several timed repeats after warm-up (the machine is shared); with
 * one thread, single-matrix figures use the thread's CPU time, which other processes cannot inflate.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -cp <test+main classes> io.kvasir.engine.kernel.KernelBenchmark
 * [threads=2] [type=Q8_0] [parts=probe,single,cache,model] [model batches=1,16,128]}
 */
public final class KernelBenchmark {

    private static final int REPEATS = 7;
    private static final java.lang.management.ThreadMXBean THREADS =
            java.lang.management.ManagementFactory.getThreadMXBean();

    private KernelBenchmark() {
    }

    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        GgmlType type = args.length > 1 ? GgmlType.valueOf(args[1]) : GgmlType.Q8_0;
        String parts = args.length > 2 ? args[2] : "probe,single,model";
        int[] modelBatches = args.length > 3
                ? java.util.Arrays.stream(args[3].split(",")).mapToInt(Integer::parseInt).toArray()
                : new int[] {1, 16, 128};
        System.out.printf(Locale.ROOT, "threads=%d type=%s lanes=%d load=%s%n", threads, type, Simd.LANES, loadAverage());
        try (ParallelExecutor executor = new ParallelExecutor(threads); Arena arena = Arena.ofShared()) {
            if (parts.contains("probe")) {
                MemoryBandwidthProbe.Result probe = new MemoryBandwidthProbe(executor).measure(512L << 20, 15);
                System.out.printf(Locale.ROOT, "bandwidth probe: median %.1f GB/s, best %.1f GB/s (%d MiB, %d threads)%n",
                        probe.medianGigabytesPerSecond(), probe.bestGigabytesPerSecond(), probe.bufferBytes() >> 20,
                        probe.numThreads());
            }
            MatMul matMul = new MatMul(executor);
            if (parts.contains("single")) {
                for (int[] shape : new int[][] {{2048, 2048}, {5632, 2048}}) {
                    WeightMatrix w = randomMatrix(arena, type, shape[0], shape[1], shape[0]);
                    for (int batch : new int[] {1, 16, 128}) {
                        single(matMul, w, batch);
                    }
                }
            }
            if (parts.contains("cache")) {
                // L2-resident weights: the kernels' compute rate without DRAM (or other processes' traffic).
                WeightMatrix w = randomMatrix(arena, type, 256, 2048, 3);
                for (int batch : new int[] {1, 4, 8, 16, 32, 64}) {
                    single(matMul, w, batch);
                }
                dequantize(w);
            }
            if (parts.contains("model")) {
                model(arena, matMul, type, modelBatches);
            }
        }
        System.out.printf(Locale.ROOT, "load=%s%n", loadAverage());
    }

    private static void single(MatMul matMul, WeightMatrix w, int batch) {
        float[] x = TestWeights.randomActivations(batch * w.cols(), batch);
        float[] out = new float[batch * w.rows()];
        double flops = 2.0 * w.rows() * w.cols() * batch;
        int iterations = (int) Math.max(3, Math.min(2000, 2e9 / flops));
        double[] seconds = new double[REPEATS];
        double[] cpuSeconds = new double[REPEATS];
        for (int i = 0; i < iterations; i++) {
            matMul.multiply(w, x, batch, out);
        }
        for (int rep = 0; rep < REPEATS; rep++) {
            long start = System.nanoTime();
            long cpuStart = THREADS.getCurrentThreadCpuTime();
            for (int i = 0; i < iterations; i++) {
                matMul.multiply(w, x, batch, out);
            }
            seconds[rep] = (System.nanoTime() - start) / 1e9 / iterations;
            cpuSeconds[rep] = (THREADS.getCurrentThreadCpuTime() - cpuStart) / 1e9 / iterations;
        }
        double median = median(seconds);
        if (matMul.executor().numThreads() == 1) {
            // One thread runs inline on this one, so its CPU time excludes time lost to other processes.
            median = median(cpuSeconds);
        }
        double bytes = (double) w.rowBytes() * w.rows();
        System.out.printf(Locale.ROOT, "%-5s %5d x %5d batch %3d: %8.3f ms  %6.1f GB/s  %6.1f GFLOP/s%n",
                w.type(), w.rows(), w.cols(), batch, median * 1e3, bytes / median / 1e9, flops / median / 1e9);
    }

    private static void dequantize(WeightMatrix w) {
        float[] panel = new float[MatMul.PANEL_COLS];
        double[] seconds = new double[REPEATS];
        int iterations = 200;
        for (int rep = -2; rep < REPEATS; rep++) {
            long cpuStart = THREADS.getCurrentThreadCpuTime();
            for (int i = 0; i < iterations; i++) {
                for (int r = 0; r < w.rows(); r++) {
                    for (int c = 0; c < w.cols(); c += MatMul.PANEL_COLS) {
                        w.dequantize(r, c, MatMul.PANEL_COLS, panel, 0);
                    }
                }
            }
            if (rep >= 0) {
                seconds[rep] = (THREADS.getCurrentThreadCpuTime() - cpuStart) / 1e9 / iterations;
            }
        }
        double median = median(seconds);
        System.out.printf(Locale.ROOT, "%-5s dequantize %d x %d: %.3f ms, %.2f elements/ns (one thread, CPU time)%n",
                w.type(), w.rows(), w.cols(), median * 1e3, (double) w.rows() * w.cols() / median / 1e9);
    }

    /** TinyLlama 1.1B: 22 layers of q, k, v, o (GQA: 4 KV heads of 64), gate, up, down; then the output. */
    private static void model(Arena arena, MatMul matMul, GgmlType type, int[] batches) {
        int dim = 2048;
        int kvDim = 256;
        int hidden = 5632;
        int vocab = 32000;
        List<WeightMatrix> matrices = new ArrayList<>();
        for (int layer = 0; layer < 22; layer++) {
            matrices.add(randomMatrix(arena, type, dim, dim, 7 * layer));
            matrices.add(randomMatrix(arena, type, kvDim, dim, 7 * layer + 1));
            matrices.add(randomMatrix(arena, type, kvDim, dim, 7 * layer + 2));
            matrices.add(randomMatrix(arena, type, dim, dim, 7 * layer + 3));
            matrices.add(randomMatrix(arena, type, hidden, dim, 7 * layer + 4));
            matrices.add(randomMatrix(arena, type, hidden, dim, 7 * layer + 5));
            matrices.add(randomMatrix(arena, type, dim, hidden, 7 * layer + 6));
        }
        matrices.add(randomMatrix(arena, type, vocab, dim, 1000));
        double bytes = 0;
        double flopsPerToken = 0;
        for (WeightMatrix w : matrices) {
            bytes += (double) w.rowBytes() * w.rows();
            flopsPerToken += 2.0 * w.rows() * w.cols();
        }
        System.out.printf(Locale.ROOT, "model: %d matrices, %.2f GiB of %s weights, %.2f GFLOP per token%n",
                matrices.size(), bytes / (1L << 30), type, flopsPerToken / 1e9);
        for (int batch : batches) {
            float[] x = TestWeights.randomActivations(batch * hidden, batch);
            float[] out = new float[batch * vocab];
            int steps = batch == 1 ? 5 : batch == 16 ? 2 : 1;
            double[] seconds = new double[batch == 128 ? 3 : REPEATS];
            double[] cpuSeconds = new double[seconds.length];
            for (WeightMatrix w : matrices) {
                matMul.multiply(w, x, batch, out);
            }
            for (int rep = 0; rep < seconds.length; rep++) {
                long start = System.nanoTime();
                long cpuStart = kernelThreadsCpuNanos();
                for (int s = 0; s < steps; s++) {
                    for (WeightMatrix w : matrices) {
                        matMul.multiply(w, x, batch, out);
                    }
                }
                seconds[rep] = (System.nanoTime() - start) / 1e9 / steps;
                cpuSeconds[rep] = (kernelThreadsCpuNanos() - cpuStart) / 1e9 / steps;
            }
            double median = median(seconds);
            // CPU time of our threads (spin-waits included) per thread: the step time if each thread had a core.
            double perCore = median(cpuSeconds) / matMul.executor().numThreads();
            System.out.printf(Locale.ROOT,
                    "model batch %3d: %8.1f ms/step  %7.1f tok/s  %6.1f GB/s weights  %6.1f GFLOP/s"
                            + "  | CPU-time based: %7.1f tok/s  %6.1f GB/s  %6.1f GFLOP/s%n",
                    batch, median * 1e3, batch / median, bytes / median / 1e9, flopsPerToken * batch / median / 1e9,
                    batch / perCore, bytes / perCore / 1e9, flopsPerToken * batch / perCore / 1e9);
        }
    }

    /** CPU time of this thread and the executor's workers. */
    private static long kernelThreadsCpuNanos() {
        long total = THREADS.getCurrentThreadCpuTime();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().startsWith("kvasir-kernel-")) {
                total += THREADS.getThreadCpuTime(thread.threadId());
            }
        }
        return total;
    }

    /** Random quants with small finite scales, off-heap like a mapped file. */
    static WeightMatrix randomMatrix(Arena arena, GgmlType type, int rows, int cols, long seed) {
        long size = type.byteSize((long) rows * cols);
        MemorySegment data = arena.allocate(size, 64);
        SplittableRandom random = new SplittableRandom(seed);
        long i = 0;
        for (; i + 8 <= size; i += 8) {
            data.set(ValueLayout.JAVA_LONG_UNALIGNED, i, random.nextLong() & 0x3f3f3f3f3f3f3f3fL);
        }
        for (; i < size; i++) {
            data.set(ValueLayout.JAVA_BYTE, i, (byte) 1);
        }
        if (type.blockSize() == 1) {
            // Masked random bits are finite, small floats for F32/F16/BF16.
            return WeightMatrix.of(type, data, rows, cols);
        }
        long numBlocks = size / type.bytesPerBlock();
        long scaleOffset = type == GgmlType.Q6_K ? 208 : 0;
        short scale = Float.floatToFloat16(0.01f);
        for (long b = 0; b < numBlocks; b++) {
            data.set(Simd.SHORT_LE, b * type.bytesPerBlock() + scaleOffset, scale);
            if (type == GgmlType.Q4_K) {
                data.set(Simd.SHORT_LE, b * type.bytesPerBlock() + 2, scale);
            }
        }
        return WeightMatrix.of(type, data, rows, cols);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static String loadAverage() {
        return String.format(Locale.ROOT, "%.2f",
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
}
