package io.kvasir.plugins.codec;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;

import io.kvasir.api.plugin.KvBlockLayout;
import io.kvasir.plugins.codec.internal.Lanes;

/**
 * The KV work of decode steps at TinyLlama-1.1B's shape, single-threaded, split by layout method: every sequence's
 * prompt written token by token ({@code write}, as prefill stores it), then decode steps in which each (sequence,
 * layer) writes one token per KV head and its 32 query heads attend over the whole context, the 8 heads of a group
 * one after another on the same regions, as the engine's attention task orders them. Not a test: run it by hand,
 * e.g. {@code java --add-modules jdk.incubator.vector -cp <classes> io.kvasir.plugins.codec.DecodeStepBenchmark
 * f16,int8 16 1024 3}: codecs (alternated per round), sequences, prompt tokens, rounds.
 *
 * <p>Prints per round and codec: ns per {@code write} during the prompt and during decode, ns per
 * {@code keyScores} and {@code accumulateValues} call, milliseconds per decode step of the three together, and
 * the bytes allocated per decode step (0 once compiled; its softmax and bookkeeping allocate nothing).
 */
public final class DecodeStepBenchmark {

    private static final int LAYERS = 22;
    private static final int KV_HEADS = 4;
    private static final int GROUP = 8;
    private static final int HEAD_DIM = 64;
    private static final int BLOCK_SIZE = 16;
    private static final int DECODE_STEPS = 16;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();

    private static volatile float sink;

    private DecodeStepBenchmark() {
    }

    public static void main(String[] args) {
        String[] codecs = (args.length > 0 ? args[0] : "f16,int8").split(",");
        int numSeqs = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        int prompt = args.length > 2 ? Integer.parseInt(args[2]) : 1024;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        System.out.printf("%d float lanes; %d sequences, %d prompt tokens, %d decode steps, head %d, block %d%n",
                Lanes.L, numSeqs, prompt, DECODE_STEPS, HEAD_DIM, BLOCK_SIZE);
        System.out.printf("%-5s %-6s | %10s %10s | %10s %10s | %10s | %10s%n", "round", "codec", "write pre",
                "write dec", "keyScores", "accumVal", "KV ms/step", "B/step");
        for (int round = 0; round < rounds; round++) {
            for (String codec : codecs) {
                run(round, codec, numSeqs, prompt);
            }
        }
    }

    private static void run(int round, String codec, int numSeqs, int prompt) {
        KvBlockLayout layout = CodecCase.of(codec, Map.of()).codec().layout(BLOCK_SIZE, HEAD_DIM);
        int blocks = (prompt + DECODE_STEPS + BLOCK_SIZE - 1) / BLOCK_SIZE;
        SplittableRandom random = new SplittableRandom(7);
        try (Arena arena = Arena.ofConfined()) {
            TestBlock[][][] regions = new TestBlock[numSeqs * LAYERS][KV_HEADS][blocks];
            for (TestBlock[][] heads : regions) {
                for (TestBlock[] row : heads) {
                    for (int b = 0; b < blocks; b++) {
                        row[b] = TestBlock.zeroed(layout, BLOCK_SIZE, arena);
                    }
                }
            }
            Activations acts = new Activations(random);
            long writeNs = 0;
            for (int t = 0; t < prompt; t++) {
                for (TestBlock[][] heads : regions) {
                    writeNs += writeToken(heads, t, acts);
                }
            }
            double writePrompt = (double) writeNs / ((long) prompt * regions.length * KV_HEADS);

            float[] scores = new float[(blocks + 1) * BLOCK_SIZE];
            float[] out = new float[HEAD_DIM];
            long decodeWriteNs = 0;
            long scoreNs = 0;
            long valueNs = 0;
            long calls = 0;
            long allocatedBefore = THREADS.getCurrentThreadAllocatedBytes();
            for (int step = 0; step < DECODE_STEPS; step++) {
                int pos = prompt + step;
                int n = pos + 1;
                for (TestBlock[][] heads : regions) {
                    decodeWriteNs += writeToken(heads, pos, acts);
                    for (int h = 0; h < KV_HEADS * GROUP; h++) {
                        TestBlock[] row = heads[h / GROUP];
                        float[] q = acts.k[acts.next()];
                        long s0 = System.nanoTime();
                        for (int start0 = 0, j = 0; start0 < n; start0 += BLOCK_SIZE, j++) {
                            row[j].keyScores(Math.min(BLOCK_SIZE, n - start0), q, 0, 0.125f, scores, start0);
                        }
                        long s1 = System.nanoTime();
                        softmax(scores, n);
                        Arrays.fill(out, 0f);
                        long s2 = System.nanoTime();
                        for (int start0 = 0, j = 0; start0 < n; start0 += BLOCK_SIZE, j++) {
                            row[j].accumulateValues(Math.min(BLOCK_SIZE, n - start0), scores, start0, out, 0);
                        }
                        long s3 = System.nanoTime();
                        scoreNs += s1 - s0;
                        valueNs += s3 - s2;
                        calls += (n + BLOCK_SIZE - 1) / BLOCK_SIZE;
                        sink += out[0];
                    }
                }
            }
            long allocated = THREADS.getCurrentThreadAllocatedBytes() - allocatedBefore;
            double perStepKv = (decodeWriteNs + scoreNs + valueNs) / 1e6 / DECODE_STEPS;
            System.out.printf("%-5d %-6s | %10.1f %10.1f | %10.1f %10.1f | %10.2f | %10d%n", round, codec,
                    writePrompt, (double) decodeWriteNs / ((long) DECODE_STEPS * regions.length * KV_HEADS),
                    (double) scoreNs / calls, (double) valueNs / calls, perStepKv, allocated / DECODE_STEPS);
        }
    }

    /** Writes position {@code pos} of one (sequence, layer) for every KV head; returns the nanoseconds taken. */
    private static long writeToken(TestBlock[][] heads, int pos, Activations acts) {
        long start = System.nanoTime();
        for (TestBlock[] row : heads) {
            int i = acts.next();
            row[pos / BLOCK_SIZE].write(pos % BLOCK_SIZE, acts.k[i], 0, acts.v[i], 0);
        }
        return System.nanoTime() - start;
    }

    /** In place, as the engine's softmax: weights summing to 1 over {@code scores[0..n)}. */
    private static void softmax(float[] scores, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, scores[i]);
        }
        float sum = 0f;
        for (int i = 0; i < n; i++) {
            scores[i] = (float) Math.exp(scores[i] - max);
            sum += scores[i];
        }
        float inv = 1f / sum;
        for (int i = 0; i < n; i++) {
            scores[i] *= inv;
        }
    }

    /**
     * A pool of K and V vectors shaped like attention activations (per-channel scales and offsets shared by all
     * tokens, a few outlier channels), drawn in turn so that generating them stays out of the timed loops; keys
     * double as queries.
     */
    private static final class Activations {
        private static final int POOL = 509;

        final float[][] k = new float[POOL][HEAD_DIM];
        final float[][] v = new float[POOL][HEAD_DIM];
        private int next;

        Activations(SplittableRandom random) {
            float[] channelScale = new float[HEAD_DIM];
            float[] channelOffset = new float[HEAD_DIM];
            for (int c = 0; c < HEAD_DIM; c++) {
                channelScale[c] = (float) (random.nextDouble(0.05, 2.0) * (random.nextInt(16) == 0 ? 20 : 1));
                channelOffset[c] = (float) random.nextDouble(-1.0, 1.0);
            }
            for (int i = 0; i < POOL; i++) {
                for (int c = 0; c < HEAD_DIM; c++) {
                    k[i][c] = (float) (KvData.gaussian(random) * channelScale[c] + channelOffset[c]);
                    v[i][c] = (float) KvData.gaussian(random);
                }
            }
        }

        /** Index of the next vector pair. */
        int next() {
            next = next + 1 == POOL ? 0 : next + 1;
            return next;
        }
    }
}
