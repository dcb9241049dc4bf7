package io.kvasir.ops.jmh;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
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

import io.kvasir.engine.gguf.GgmlType;
import io.kvasir.engine.kernel.KernelChoice;
import io.kvasir.engine.kernel.MatMul;
import io.kvasir.engine.kernel.ParallelExecutor;
import io.kvasir.engine.kernel.Quantizer;
import io.kvasir.engine.kernel.WeightMatrix;

/**
 * One TinyLlama-sized projection (rows × 2048 inputs) per tensor type at decode (batch 1) and batched
 * (16, 128) sizes on two worker threads. Read the score as microseconds per product; the weight bytes
 * streamed per product over that time give GB/s. {@code kernels} compares the Java kernels with the native ones
 * ({@code native} covers Q8_0 only and fails the trial where the native kernels are unavailable); run e.g.
 * {@code ./kvasir jmh MatMulBenchmark -p type=Q8_0 -p kernels=java,native}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class MatMulBenchmark {

    @Param({"Q8_0", "Q4_0", "F16"})
    public String type;

    @Param({"2048", "5632"})
    public int rows;

    @Param({"1", "16", "128"})
    public int batch;

    @Param({"java", "native"})
    public String kernels;

    private static final int COLS = 2048;

    private Arena arena;
    private ParallelExecutor executor;
    private MatMul matMul;
    private WeightMatrix weights;
    private float[] x;
    private float[] out;

    @Setup(Level.Trial)
    public void setUp() {
        GgmlType ggmlType = GgmlType.valueOf(type);
        SplittableRandom random = new SplittableRandom(1);
        float[] row = new float[COLS];
        long rowBytes = ggmlType.byteSize(COLS);
        arena = Arena.ofShared();
        MemorySegment data = arena.allocate(rowBytes * rows, 64);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < COLS; c++) {
                row[c] = (float) (random.nextDouble() * 2 - 1) * 0.03f;
            }
            if (ggmlType == GgmlType.F16) {
                for (int c = 0; c < COLS; c++) {
                    data.set(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED, r * rowBytes + 2L * c, Float.floatToFloat16(row[c]));
                }
            } else {
                Quantizer.quantize(ggmlType, row, 0, COLS, data, r * rowBytes);
            }
        }
        weights = WeightMatrix.of(ggmlType, data, rows, COLS);
        executor = new ParallelExecutor(2);
        matMul = new MatMul(executor, KernelChoice.parse(kernels));
        x = new float[batch * COLS];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        out = new float[batch * rows];
    }

    @Benchmark
    public float[] multiply() {
        matMul.multiply(weights, x, batch, out);
        return out;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        executor.close();
        arena.close();
    }
}
