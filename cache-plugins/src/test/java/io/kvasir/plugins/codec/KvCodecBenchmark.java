package io.kvasir.plugins.codec;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import io.kvasir.api.plugin.KvBlockLayout;
import io.kvasir.plugins.codec.internal.Lanes;

/**
 * Prints nanoseconds per (block, KV head) call of {@code keyScores} and {@code accumulateValues} for each
 * codec, next to the naive path (decode each slot with {@code read}, then a scalar loop). Not a test:
 * run it by hand, on an otherwise idle machine, e.g.
 * {@code java --add-modules jdk.incubator.vector -cp <classes> io.kvasir.plugins.codec.KvCodecBenchmark}.
 *
 * <p>"hot" cycles over 8 regions that stay in L1/L2; "stream" over 32 MiB of regions, so the codec's bytes
 * come from L3 or memory as in a long-context decode step.
 */
public final class KvCodecBenchmark {

    private static final int BLOCK_SIZE = 16;
    private static final long STREAM_BYTES = 32L << 20;
    private static final int REPEATS = 5;

    private static volatile float sink;

    private KvCodecBenchmark() {
    }

    public static void main(String[] args) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        System.out.printf("%d float lanes; block %d; ns per (block, head) call, best of %d runs%n", Lanes.L, BLOCK_SIZE,
                REPEATS);
        System.out.printf("%-16s %4s %9s | %8s %8s %8s | %8s %8s %8s | %6s%n", "codec", "head", "bytes",
                "qk hot", "qk strm", "qk naive", "wv hot", "wv strm", "wv naive", "B/call");
        List<String> names = List.of("f32", "f16", "int8", "fp8-e4m3", "int4-kivi");
        for (int headDim : new int[] {64, 128}) {
            for (String name : names) {
                run(threads, name, headDim, BLOCK_SIZE);
                if (name.equals("int4-kivi")) {
                    run(threads, name, headDim, BLOCK_SIZE - 1);
                }
            }
        }
    }

    private static void run(com.sun.management.ThreadMXBean threads, String name, int headDim, int numSlots) {
        KvBlockLayout layout = CodecCase.of(name, Map.of()).codec().layout(BLOCK_SIZE, headDim);
        long bytes = layout.bytesPerHeadBlock();
        int numStream = (int) Math.max(8, STREAM_BYTES / bytes);
        SplittableRandom random = new SplittableRandom(1);
        try (Arena arena = Arena.ofConfined()) {
            TestBlock[] regions = new TestBlock[numStream];
            for (int r = 0; r < numStream; r++) {
                regions[r] = new TestBlock(layout, BLOCK_SIZE, arena, random);
                KvData data = KvData.random(random, BLOCK_SIZE, headDim);
                for (int t = 0; t < numSlots; t++) {
                    regions[r].write(t, data.k[t], 0, data.v[t], 0);
                }
            }
            float[] q = KvData.randomVector(random, headDim);
            float[] weights = new float[BLOCK_SIZE];
            Arrays.fill(weights, 1f / BLOCK_SIZE);
            float[] scores = new float[BLOCK_SIZE];
            float[] out = new float[headDim];
            float[] k = new float[headDim];
            float[] v = new float[headDim];

            int hotCalls = 2_000_000 / headDim * 64;
            int streamCalls = Math.max(numStream, 400_000);
            int naiveCalls = hotCalls / 20;
            double qkHot = Double.MAX_VALUE;
            double qkStream = Double.MAX_VALUE;
            double qkNaive = Double.MAX_VALUE;
            double wvHot = Double.MAX_VALUE;
            double wvStream = Double.MAX_VALUE;
            double wvNaive = Double.MAX_VALUE;
            long allocated = 0;
            for (int repeat = 0; repeat < REPEATS; repeat++) {
                long before = threads.getCurrentThreadAllocatedBytes();
                qkHot = Math.min(qkHot, scores(regions, 8, hotCalls, numSlots, q, scores));
                wvHot = Math.min(wvHot, values(regions, 8, hotCalls, numSlots, weights, out));
                allocated = threads.getCurrentThreadAllocatedBytes() - before;
                qkStream = Math.min(qkStream, scores(regions, numStream, streamCalls, numSlots, q, scores));
                wvStream = Math.min(wvStream, values(regions, numStream, streamCalls, numSlots, weights, out));
                qkNaive = Math.min(qkNaive, naiveScores(regions, naiveCalls, numSlots, q, scores, k, v));
                wvNaive = Math.min(wvNaive, naiveValues(regions, naiveCalls, numSlots, weights, out, k, v));
            }
            String label = numSlots == BLOCK_SIZE ? name : name + " (" + numSlots + " staged)";
            System.out.printf("%-16s %4d %9d | %8.1f %8.1f %8.1f | %8.1f %8.1f %8.1f | %6.2f%n", label, headDim, bytes,
                    qkHot, qkStream, qkNaive, wvHot, wvStream, wvNaive, allocated / (2.0 * hotCalls));
        }
    }

    private static double scores(TestBlock[] regions, int numRegions, int calls,
            int numSlots, float[] q, float[] scores) {
        long start = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            regions[i % numRegions].keyScores(numSlots, q, 0, 0.125f, scores, 0);
        }
        long elapsed = System.nanoTime() - start;
        sink += scores[0];
        return (double) elapsed / calls;
    }

    private static double values(TestBlock[] regions, int numRegions, int calls,
            int numSlots, float[] weights, float[] out) {
        long start = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            regions[i % numRegions].accumulateValues(numSlots, weights, 0, out, 0);
        }
        long elapsed = System.nanoTime() - start;
        sink += out[0];
        Arrays.fill(out, 0f);
        return (double) elapsed / calls;
    }

    private static double naiveScores(TestBlock[] regions, int calls, int numSlots,
            float[] q, float[] scores, float[] k, float[] v) {
        long start = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            TestBlock region = regions[i % 8];
            for (int t = 0; t < numSlots; t++) {
                region.read(t, k, 0, v, 0);
                float s = 0f;
                for (int c = 0; c < k.length; c++) {
                    s += q[c] * k[c];
                }
                scores[t] = 0.125f * s;
            }
        }
        long elapsed = System.nanoTime() - start;
        sink += scores[0];
        return (double) elapsed / calls;
    }

    private static double naiveValues(TestBlock[] regions, int calls, int numSlots,
            float[] weights, float[] out, float[] k, float[] v) {
        long start = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            TestBlock region = regions[i % 8];
            for (int t = 0; t < numSlots; t++) {
                region.read(t, k, 0, v, 0);
                for (int c = 0; c < v.length; c++) {
                    out[c] += weights[t] * v[c];
                }
            }
        }
        long elapsed = System.nanoTime() - start;
        sink += out[0];
        Arrays.fill(out, 0f);
        return (double) elapsed / calls;
    }
}
