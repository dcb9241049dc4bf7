package io.kvasir.engine.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kvasir.engine.gguf.GgmlType;

/**
 * The native Q8_0 kernels against a scalar Java reference of the same arithmetic (8-bit activations, exact
 * integer block sums), and against the Java kernels' full-precision product within the activation rounding.
 * Skipped where the native kernels are unavailable, except under {@code CI=true} on a Linux x86-64 machine with
 * gcc, where the build must have produced a loadable library.
 */
class NativeKernelsTest {

    /** Batches around the kernel's tile sizes (row-wise below 4, 4-row groups above) and the GEMM threshold. */
    private static final int[] BATCHES = {1, 2, 3, 4, 5, 7, 8, 13, 16, 17, 33};
    /** Row counts that leave partial 8- and 16-row groups and 4-row tiles at the end of a task. */
    private static final int[][] SHAPES = {{1, 32}, {7, 64}, {37, 512}, {130, 768}};

    private static ParallelExecutor threeThreads;

    @BeforeAll
    static void startPool() {
        threeThreads = new ParallelExecutor(3);
    }

    @AfterAll
    static void stopPool() {
        threeThreads.close();
    }

    @Test
    void theIsaPropertyNamesAKnownSetOrFailsWithTheKnownNames() throws Exception {
        NativeKernels.KernelSet avx2 = new NativeKernels.KernelSet(NativeKernels.Isa.AVX2, null, null);
        NativeKernels.KernelSet vnni = new NativeKernels.KernelSet(NativeKernels.Isa.AVX512_VNNI, null, null);
        NativeKernels.Handles both = new NativeKernels.Handles(avx2, vnni, null);
        NativeKernels.Handles avx2Only = new NativeKernels.Handles(avx2, null, null);

        assertThat(both.select("auto")).isSameAs(vnni);
        assertThat(both.select(" AVX2 ")).isSameAs(avx2);
        assertThat(both.select("avx512-vnni")).isSameAs(vnni);
        assertThat(avx2Only.select("Auto")).isSameAs(avx2);
        assertThatThrownBy(() -> avx2Only.select("avx512-vnni"))
                .isInstanceOf(NativeKernels.UnavailableException.class)
                .hasMessageContaining("does not run avx512-vnni");
        assertThatThrownBy(() -> both.select("avx-2"))
                .isInstanceOf(NativeKernels.UnavailableException.class)
                .hasMessage("unknown kvasir.kernels.isa 'avx-2'; known: auto, avx2, avx512-vnni");
    }

    @Test
    void libraryLoadsWhereTheBuildCouldCompileIt() {
        boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
        boolean expected = NativeKernels.platform() != null && gccOnPath();
        if (ci && expected) {
            assertThat(NativeKernels.unavailableReason()).as("native kernels failed to load on a CI machine with gcc")
                    .isEmpty();
            assertThat(KernelChoice.nativeAvailable()).isTrue();
        }
        assertThat(NativeKernels.isAvailable()).isEqualTo(NativeKernels.unavailableReason().isEmpty());
    }

    @Test
    void quantisedActivationsMatchTheReferenceBitForBit() {
        assumeNativeAvailable();
        int cols = 512;
        int rows = 9;
        float[] x = TestWeights.randomActivations(rows * cols, 11);
        x[5] = 0;
        java.util.Arrays.fill(x, 64, 96, 0f);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment quants = arena.allocate(rows * cols);
            MemorySegment scales = arena.allocate((long) rows * cols / 32 * Float.BYTES);
            NativeKernels.quantize(NativeKernels.Isa.AVX2, x, rows, cols, quants, scales);
            byte[] expectedQuants = new byte[rows * cols];
            float[] expectedScales = new float[rows * cols / 32];
            quantizeReference(x, expectedQuants, expectedScales);
            assertThat(quants.toArray(ValueLayout.JAVA_BYTE)).isEqualTo(expectedQuants);
            assertThat(scales.toArray(ValueLayout.JAVA_FLOAT)).isEqualTo(expectedScales);
        }
    }

    @Test
    void vnniKernelsGiveTheAvx2ResultsBitForBit() {
        assumeTrue(NativeKernels.supports(NativeKernels.Isa.AVX512_VNNI), "this CPU has no AVX-512 VNNI");
        int numChecked = 0;
        try (Arena arena = Arena.ofConfined()) {
            for (int[] shape : SHAPES) {
                int rows = shape[0];
                int cols = shape[1];
                WeightMatrix w = WeightMatrix.of(GgmlType.Q8_0,
                        TestWeights.randomMatrix(GgmlType.Q8_0, rows, cols, 7L * rows), rows, cols);
                MemorySegment scratch = arena.allocate(NativeKernels.q8_0ScratchBytes(cols), NativeKernels.SCRATCH_ALIGNMENT);
                for (int batch : BATCHES) {
                    float[] x = TestWeights.randomActivations(batch * cols, 17L * batch + cols);
                    float[] avx2 = product(NativeKernels.Isa.AVX2, w, x, batch, scratch, arena);
                    float[] vnni = product(NativeKernels.Isa.AVX512_VNNI, w, x, batch, scratch, arena);
                    assertThat(vnni).as("%d x %d, batch %d", rows, cols, batch).isEqualTo(avx2);
                    numChecked++;
                }
            }
        }
        assertThat(numChecked).isEqualTo(SHAPES.length * BATCHES.length);
    }

    @Test
    void vnniQuantsAreTheSignedQuantsPlus128FromFourRowsOn() {
        assumeTrue(NativeKernels.supports(NativeKernels.Isa.AVX512_VNNI), "this CPU has no AVX-512 VNNI");
        int cols = 64;
        try (Arena arena = Arena.ofConfined()) {
            for (int rows : new int[] {1, 3, 4, 9}) {
                float[] x = TestWeights.randomActivations(rows * cols, rows);
                MemorySegment signed = arena.allocate(rows * cols);
                MemorySegment vnni = arena.allocate(rows * cols);
                MemorySegment scales = arena.allocate((long) rows * cols / 32 * Float.BYTES);
                MemorySegment vnniScales = arena.allocate((long) rows * cols / 32 * Float.BYTES);
                NativeKernels.quantize(NativeKernels.Isa.AVX2, x, rows, cols, signed, scales);
                NativeKernels.quantize(NativeKernels.Isa.AVX512_VNNI, x, rows, cols, vnni, vnniScales);
                byte[] expected = signed.toArray(ValueLayout.JAVA_BYTE);
                if (rows >= 4) {
                    for (int i = 0; i < expected.length; i++) {
                        expected[i] ^= (byte) 0x80;
                    }
                }
                assertThat(vnni.toArray(ValueLayout.JAVA_BYTE)).as("%d rows", rows).isEqualTo(expected);
                assertThat(vnniScales.toArray(ValueLayout.JAVA_FLOAT)).isEqualTo(scales.toArray(ValueLayout.JAVA_FLOAT));
            }
        }
    }

    /** One product of all of {@code w}'s rows with the kernels of {@code isa}, in one call. */
    private static float[] product(NativeKernels.Isa isa, WeightMatrix w, float[] x, int batch, MemorySegment scratch,
            Arena arena) {
        MemorySegment quants = arena.allocate((long) batch * w.cols(), 64);
        MemorySegment scales = arena.allocate((long) batch * w.cols() / 32 * Float.BYTES, 64);
        NativeKernels.quantize(isa, x, batch, w.cols(), quants, scales);
        float[] out = new float[batch * w.rows()];
        NativeKernels.q8_0Matmul(isa, w, quants, scales, batch, out, 0, w.rows(), scratch);
        return out;
    }

    @Test
    void nativeProductMatchesTheReferenceOfQuantisedActivations() {
        assumeNativeAvailable();
        MatMul matMul = new MatMul(threeThreads, KernelChoice.NATIVE);
        assertThat(matMul.usesNativeKernels()).isTrue();
        int numChecked = 0;
        for (int[] shape : SHAPES) {
            int rows = shape[0];
            int cols = shape[1];
            WeightMatrix w = WeightMatrix.of(GgmlType.Q8_0, TestWeights.randomMatrix(GgmlType.Q8_0, rows, cols, rows),
                    rows, cols);
            for (int batch : BATCHES) {
                float[] x = TestWeights.randomActivations(batch * cols, 31L * batch + rows);
                float[] out = new float[batch * rows];
                matMul.multiply(w, x, batch, out);
                assertMatchesQuantisedReference(w, x, batch, out);
                numChecked++;
            }
        }
        assertThat(numChecked).isEqualTo(SHAPES.length * BATCHES.length);
    }

    @Test
    void nativeProductStaysWithinTheActivationRoundingOfTheJavaProduct() {
        assumeNativeAvailable();
        MatMul nativeKernels = new MatMul(threeThreads, KernelChoice.NATIVE);
        MatMul javaKernels = new MatMul(threeThreads, KernelChoice.JAVA);
        int rows = 67;
        int cols = 1024;
        WeightMatrix w = WeightMatrix.of(GgmlType.Q8_0, TestWeights.randomMatrix(GgmlType.Q8_0, rows, cols, 5),
                rows, cols);
        float[][] weights = ReferenceDequantizer.dequantizeMatrix(GgmlType.Q8_0, w.data(), rows, cols);
        for (int batch : new int[] {1, 6, 16, 40}) {
            float[] x = TestWeights.randomActivations(batch * cols, batch);
            float[] ours = new float[batch * rows];
            float[] theirs = new float[batch * rows];
            nativeKernels.multiply(w, x, batch, ours);
            javaKernels.multiply(w, x, batch, theirs);
            for (int b = 0; b < batch; b++) {
                for (int r = 0; r < rows; r++) {
                    // Each activation moves by at most half a step (its block's max / 254) when quantised.
                    double bound = 0;
                    for (int block = 0; block < cols; block += 32) {
                        double amax = 0;
                        double weightSum = 0;
                        for (int c = block; c < block + 32; c++) {
                            amax = Math.max(amax, Math.abs(x[b * cols + c]));
                            weightSum += Math.abs(weights[r][c]);
                        }
                        bound += weightSum * amax / 254;
                    }
                    assertThat((double) ours[b * rows + r]).as("batch %d row %d of %d", b, r, batch)
                            .isCloseTo(theirs[b * rows + r], org.assertj.core.data.Offset.offset(bound * 1.001 + 1e-4));
                }
            }
        }
    }

    @Test
    void otherTypesKeepTheJavaKernelsWhenNativeOnesAreChosen() {
        assumeNativeAvailable();
        MatMul nativeKernels = new MatMul(threeThreads, KernelChoice.NATIVE);
        MatMul javaKernels = new MatMul(threeThreads, KernelChoice.JAVA);
        WeightMatrix w = WeightMatrix.of(GgmlType.Q4_0, TestWeights.randomMatrix(GgmlType.Q4_0, 20, 256, 3), 20, 256);
        float[] x = TestWeights.randomActivations(3 * 256, 4);
        float[] ours = new float[60];
        float[] theirs = new float[60];
        nativeKernels.multiply(w, x, 3, ours);
        javaKernels.multiply(w, x, 3, theirs);
        assertThat(ours).isEqualTo(theirs);
    }

    @Test
    void aCorruptOrMissingLibraryIsReportedNotThrown(@TempDir Path dir) throws IOException {
        Path corrupt = dir.resolve("libkvasir_kernels.so");
        Files.write(corrupt, new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 42, 42, 42});
        assertThatThrownBy(() -> NativeKernels.load(corrupt)).isInstanceOf(NativeKernels.UnavailableException.class)
                .hasMessageContaining(corrupt.toString());
        Path missing = dir.resolve("absent.so");
        assertThatThrownBy(() -> NativeKernels.load(missing)).isInstanceOf(NativeKernels.UnavailableException.class)
                .hasMessageContaining(missing.toString());
    }

    @Test
    void autoFallsBackToJavaWhereNativeKernelsAreUnavailable() {
        MatMul auto = new MatMul(threeThreads, KernelChoice.AUTO);
        assertThat(auto.usesNativeKernels()).isEqualTo(KernelChoice.nativeAvailable());
        assertThat(new MatMul(threeThreads, KernelChoice.JAVA).usesNativeKernels()).isFalse();
        if (!KernelChoice.nativeAvailable()) {
            assertThatThrownBy(() -> new MatMul(threeThreads, KernelChoice.NATIVE))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("unavailable");
        }
    }

    @Test
    void kernelChoiceParsesItsNamesAndListsThemOtherwise() {
        assertThat(KernelChoice.parse(" Native ")).isEqualTo(KernelChoice.NATIVE);
        assertThat(KernelChoice.parse("java")).isEqualTo(KernelChoice.JAVA);
        assertThat(KernelChoice.parse("AUTO")).isEqualTo(KernelChoice.AUTO);
        assertThatThrownBy(() -> KernelChoice.parse("fast")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("auto, java, native");
    }

    private static void assumeNativeAvailable() {
        assumeTrue(NativeKernels.isAvailable(), () -> "native kernels unavailable: " + NativeKernels.unavailableReason());
    }

    private static boolean gccOnPath() {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, "gcc"))) {
                return true;
            }
        }
        return false;
    }

    /** llama.cpp's quantize_row_q8_0 with a float scale: d = max|x| / 127, q = round-half-even(x / d). */
    private static void quantizeReference(float[] x, byte[] quants, float[] scales) {
        for (int block = 0; block < scales.length; block++) {
            float amax = 0;
            for (int i = 0; i < 32; i++) {
                amax = Math.max(amax, Math.abs(x[block * 32 + i]));
            }
            float d = amax / 127f;
            float id = d != 0 ? 1f / d : 0f;
            scales[block] = d;
            for (int i = 0; i < 32; i++) {
                quants[block * 32 + i] = (byte) Math.rint(x[block * 32 + i] * id);
            }
        }
    }

    /** Every output against exact integer block sums of the reference-quantised activations, in double. */
    private static void assertMatchesQuantisedReference(WeightMatrix w, float[] x, int batch, float[] out) {
        int rows = w.rows();
        int cols = w.cols();
        byte[] quants = new byte[batch * cols];
        float[] scales = new float[batch * cols / 32];
        quantizeReference(x, quants, scales);
        MemorySegment data = w.data();
        for (int b = 0; b < batch; b++) {
            for (int r = 0; r < rows; r++) {
                double expected = 0;
                double magnitude = 0;
                for (int block = 0; block < cols / 32; block++) {
                    long offset = r * w.rowBytes() + block * 34L;
                    float d = Simd.f16(data, offset);
                    int sum = 0;
                    for (int i = 0; i < 32; i++) {
                        sum += data.get(ValueLayout.JAVA_BYTE, offset + 2 + i) * quants[b * cols + block * 32 + i];
                    }
                    double term = (double) d * scales[b * cols / 32 + block] * sum;
                    expected += term;
                    magnitude += Math.abs(term);
                }
                double error = Math.abs(out[b * rows + r] - expected);
                if (error > magnitude * 1e-6 + 1e-30) {
                    throw new AssertionError(w + " batch " + batch + ": out[b=" + b + "][r=" + r + "] = "
                            + out[b * rows + r] + ", expected " + expected + " (error " + error + ")");
                }
            }
        }
    }
}
