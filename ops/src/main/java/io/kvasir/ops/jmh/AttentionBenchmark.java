package io.kvasir.ops.jmh;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import io.kvasir.api.plugin.KvBlockLayout;
import io.kvasir.api.plugin.KvCodec;
import io.kvasir.api.plugin.PluginKind;
import io.kvasir.engine.plugin.PluginRegistry;

/**
 * One query head attending over a 1,024-token context stored in 16-token blocks of each KV codec (head
 * size 64): scores, then the weighted sum of values, straight on the encoded bytes. Fewer bytes per element
 * mean less memory traffic at long contexts.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class AttentionBenchmark {

    @Param({"f32", "f16", "int8", "fp8-e4m3", "int4-kivi"})
    public String codec;

    /** Slots used in the last block: 16 fills it; fewer is a decoding sequence's partly filled newest block. */
    @Param({"16", "9"})
    public int lastBlockSlots;

    private static final int HEAD_DIM = 64;
    private static final int BLOCK_SIZE = 16;
    private static final int CONTEXT = 1024;

    private Arena arena;
    private KvBlockLayout layout;
    private MemorySegment[] blocks;
    /** The newest block's staging while it is partly filled (NULL for codecs without staging, or when full). */
    private MemorySegment lastStaging;
    private float[] q;
    private float[] scores;
    private float[] out;

    @Setup(Level.Trial)
    public void setUp() {
        KvCodec kvCodec = PluginRegistry.load().create(PluginKind.KV_CODEC, codec, Map.of(), KvCodec.class);
        layout = kvCodec.layout(BLOCK_SIZE, HEAD_DIM);
        arena = Arena.ofShared();
        blocks = new MemorySegment[CONTEXT / BLOCK_SIZE];
        long stagingBytes = layout.stagingBytesPerHeadBlock();
        MemorySegment staging = stagingBytes == 0 ? MemorySegment.NULL : arena.allocate(stagingBytes, 64);
        SplittableRandom random = new SplittableRandom(3);
        float[] k = new float[HEAD_DIM];
        float[] v = new float[HEAD_DIM];
        for (int b = 0; b < blocks.length; b++) {
            blocks[b] = arena.allocate(layout.bytesPerHeadBlock(), 64);
            int slots = b == blocks.length - 1 ? lastBlockSlots : BLOCK_SIZE;
            for (int s = 0; s < slots; s++) {
                for (int d = 0; d < HEAD_DIM; d++) {
                    k[d] = (float) random.nextGaussian();
                    v[d] = (float) random.nextGaussian();
                }
                layout.write(blocks[b], staging, s, k, 0, v, 0);
            }
        }
        lastStaging = lastBlockSlots < BLOCK_SIZE ? staging : MemorySegment.NULL;
        q = new float[HEAD_DIM];
        for (int d = 0; d < HEAD_DIM; d++) {
            q[d] = (float) random.nextGaussian();
        }
        scores = new float[CONTEXT];
        out = new float[HEAD_DIM];
    }

    @Benchmark
    public float[] attend() {
        int last = blocks.length - 1;
        for (int b = 0; b < last; b++) {
            layout.keyScores(blocks[b], BLOCK_SIZE, q, 0, 0.125f, scores, b * BLOCK_SIZE);
        }
        layout.keyScores(blocks[last], lastStaging, lastBlockSlots, q, 0, 0.125f, scores, last * BLOCK_SIZE);
        java.util.Arrays.fill(scores, last * BLOCK_SIZE + lastBlockSlots, scores.length, Float.NEGATIVE_INFINITY);
        float max = Float.NEGATIVE_INFINITY;
        for (float s : scores) {
            max = Math.max(max, s);
        }
        float sum = 0;
        for (int i = 0; i < scores.length; i++) {
            scores[i] = (float) Math.exp(scores[i] - max);
            sum += scores[i];
        }
        for (int i = 0; i < scores.length; i++) {
            scores[i] /= sum;
        }
        java.util.Arrays.fill(out, 0f);
        for (int b = 0; b < last; b++) {
            layout.accumulateValues(blocks[b], BLOCK_SIZE, scores, b * BLOCK_SIZE, out, 0);
        }
        layout.accumulateValues(blocks[last], lastBlockSlots, scores, last * BLOCK_SIZE, out, 0);
        return out;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }
}
