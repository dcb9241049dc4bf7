package io.kvasir.engine.kernel;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

import io.kvasir.engine.gguf.GgmlType;

/**
 * The optional native kernels ({@code src/main/c/kvasir_kernels.c}, compiled by the engine-core build into
 * {@code native/<os>-<arch>/libkvasir_kernels.so} on the class path), reached through FFM.
 *
 * <p>Loaded once, on first use: from the class path (a jar entry is first copied to a temporary file), checked
 * for the expected ABI version and for a CPU with AVX2, FMA and F16C. Where the CPU also has AVX-512 VNNI, its
 * kernel set ({@link Isa#AVX512_VNNI}: the same results bit for bit, several times faster on batches) is used
 * unless the system property {@value #ISA_PROPERTY} is {@code avx2}. Anything that goes wrong - no library for
 * this platform, a corrupt file, a missing symbol, an older CPU, native access not enabled - leaves the native
 * kernels unavailable with one log line saying why, and the engine on its Java kernels; it never throws.
 *
 * <p>The downcalls are {@linkplain Linker.Option#critical critical} with heap access, so that Java arrays (the
 * activations and the output) are passed without copying: the calls are short (one row range of one product),
 * never call back into Java, and hold off garbage collection only while they run. Native memory (the mapped
 * weights, the quantised activations, the scratch) is passed as a raw address ({@code JAVA_LONG}, the same
 * register as a pointer in the x86-64 System V ABI), not as a segment: a segment argument makes the linker
 * acquire and release its arena's session around every call, an atomic update of a counter that all worker
 * threads share, on every row range of every product. The callers own those segments for the call (the model
 * outlives its forward passes, {@link NativeMatMul} its scratch), and the bounds are asserted here.
 */
final class NativeKernels {

    /** The kernels' ABI version this class calls (kvasir_abi_version()). */
    static final int ABI_VERSION = 2;
    /** The system property that restricts the native kernels to AVX2 ({@code avx2}); default: the best the CPU runs. */
    static final String ISA_PROPERTY = "kvasir.kernels.isa";
    /** Activation values per quantisation block (one float scale each). */
    static final int BLOCK_SIZE = 32;
    /** Alignment of the per-thread scratch the product needs. */
    static final long SCRATCH_ALIGNMENT = 64;

    private static final System.Logger LOG = System.getLogger(NativeKernels.class.getName());
    private static final Handles HANDLES;
    private static final String UNAVAILABLE_REASON;
    private static final KernelSet KERNELS;
    private static final MethodHandle Q8_0_SCRATCH_BYTES;

    static {
        Handles handles = null;
        KernelSet kernels = null;
        String reason;
        try {
            Handles loaded = load(bundledLibrary());
            try {
                kernels = loaded.select(System.getProperty(ISA_PROPERTY, "auto"));
            } catch (UnavailableException e) {
                // A misspelt or unsupported setting is the operator's mistake: say so louder than a missing library.
                LOG.log(System.Logger.Level.WARNING, e.getMessage());
                throw e;
            }
            handles = loaded;
            reason = "";
        } catch (UnavailableException e) {
            reason = e.getMessage();
            LOG.log(System.Logger.Level.INFO, "native kernels unavailable, using the Java kernels: " + reason);
        }
        HANDLES = handles;
        UNAVAILABLE_REASON = reason;
        KERNELS = kernels;
        Q8_0_SCRATCH_BYTES = handles == null ? null : handles.q8_0ScratchBytes();
    }

    /** The instruction sets the library has kernels for. */
    enum Isa {
        /** AVX2, FMA and F16C: vpmaddubsw / vpmaddwd. */
        AVX2("avx2"),
        /** AVX-512 F, BW, VL and VNNI: vpdpbusd on 16 weight rows at a time (AVX2's for batches under 4). */
        AVX512_VNNI("avx512-vnni");

        private final String label;

        Isa(String label) {
            this.label = label;
        }

        /** The name logs and benchmarks print. */
        String label() {
            return label;
        }
    }

    /**
     * A quantiser and the product that reads its output: each set's quantised activations are in its own format
     * (the VNNI set stores batches of 4 rows and more as unsigned quants), so the two are only used together.
     */
    record KernelSet(Isa isa, MethodHandle quantize, MethodHandle q8_0Matmul) {
    }

    /** The downcalls into one loaded library; {@code vnni} is null where the CPU lacks AVX-512 VNNI. */
    record Handles(KernelSet avx2, KernelSet vnni, MethodHandle q8_0ScratchBytes) {

        /**
         * The set {@code isaProperty} names: {@code auto} (any case) the best this CPU runs (VNNI where there is
         * one), otherwise an {@link Isa#label()}.
         *
         * @throws UnavailableException for any other name (listing the known ones), or an instruction set this
         *         CPU does not run
         */
        KernelSet select(String isaProperty) throws UnavailableException {
            String name = isaProperty.trim().toLowerCase(java.util.Locale.ROOT);
            if (name.equals("auto")) {
                return vnni != null ? vnni : avx2;
            }
            for (Isa isa : Isa.values()) {
                if (isa.label().equals(name)) {
                    KernelSet set = of(isa);
                    if (set == null) {
                        throw new UnavailableException(ISA_PROPERTY + "=" + isaProperty + ", but this CPU does not run "
                                + isa.label());
                    }
                    return set;
                }
            }
            throw new UnavailableException("unknown " + ISA_PROPERTY + " '" + isaProperty + "'; known: auto, "
                    + Isa.AVX2.label() + ", " + Isa.AVX512_VNNI.label());
        }

        /** The set for {@code isa}; null where this CPU does not run it. */
        KernelSet of(Isa isa) {
            return isa == Isa.AVX2 ? avx2 : vnni;
        }
    }

    /** Why a library cannot be used; its message is the log line. */
    static final class UnavailableException extends Exception {
        UnavailableException(String message) {
            super(message);
        }

        UnavailableException(String message, Throwable cause) {
            super(message + ": " + cause, cause);
        }
    }

    private NativeKernels() {
    }

    /** Whether the bundled library loaded and this CPU runs it. */
    static boolean isAvailable() {
        return HANDLES != null;
    }

    /** The instruction set of the kernels in use; null when the library is unavailable. */
    static Isa isa() {
        return KERNELS == null ? null : KERNELS.isa();
    }

    /** Whether this CPU runs the kernels of {@code isa} (false when the library is unavailable). */
    static boolean supports(Isa isa) {
        return HANDLES != null && HANDLES.of(isa) != null;
    }

    /** Why the bundled library is unavailable; empty when it is available. */
    static String unavailableReason() {
        return UNAVAILABLE_REASON;
    }

    /** The platform directory of the bundled library, such as {@code linux-x86_64}; null where none is built. */
    static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        boolean x86_64 = arch.equals("amd64") || arch.equals("x86_64");
        return os.startsWith("linux") && x86_64 ? "linux-x86_64" : null;
    }

    /** The bundled library as a file (copied out of a jar when needed). */
    private static Path bundledLibrary() throws UnavailableException {
        String platform = platform();
        if (platform == null) {
            throw new UnavailableException("no native kernels are built for " + System.getProperty("os.name") + " "
                    + System.getProperty("os.arch"));
        }
        String resource = "/native/" + platform + "/libkvasir_kernels.so";
        URL url = NativeKernels.class.getResource(resource);
        if (url == null) {
            throw new UnavailableException(resource + " is not on the class path (the build found no gcc?)");
        }
        try {
            if (url.getProtocol().equals("file")) {
                return Path.of(url.toURI());
            }
            Path copy = Files.createTempFile("kvasir_kernels", ".so");
            copy.toFile().deleteOnExit();
            try (InputStream in = url.openStream()) {
                Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
            }
            return copy;
        } catch (IOException | URISyntaxException | RuntimeException e) {
            throw new UnavailableException("cannot extract " + url, e);
        }
    }

    /**
     * Loads the library at {@code path} (into the global arena: it stays loaded for the life of the JVM), checks
     * its ABI version and the CPU, and looks its kernels up.
     *
     * @throws UnavailableException with the reason, for any failure
     */
    static Handles load(Path path) throws UnavailableException {
        try {
            Linker linker = Linker.nativeLinker();
            SymbolLookup library = SymbolLookup.libraryLookup(path, Arena.global());
            int abi = (int) downcall(linker, library, "kvasir_abi_version", FunctionDescriptor.of(JAVA_INT)).invokeExact();
            if (abi != ABI_VERSION) {
                throw new UnavailableException(path + " has ABI version " + abi + ", expected " + ABI_VERSION);
            }
            int supported = (int) downcall(linker, library, "kvasir_cpu_supported", FunctionDescriptor.of(JAVA_INT))
                    .invokeExact();
            if (supported != 1) {
                throw new UnavailableException("this CPU lacks AVX2, FMA or F16C");
            }
            KernelSet avx2 = kernelSet(linker, library, Isa.AVX2, "");
            int vnni = (int) downcall(linker, library, "kvasir_cpu_vnni", FunctionDescriptor.of(JAVA_INT)).invokeExact();
            KernelSet vnniSet = vnni == 1 ? kernelSet(linker, library, Isa.AVX512_VNNI, "_vnni") : null;
            MethodHandle scratchBytes = downcall(linker, library, "kvasir_q8_0_scratch_bytes",
                    FunctionDescriptor.of(JAVA_LONG, JAVA_LONG));
            return new Handles(avx2, vnniSet, scratchBytes);
        } catch (UnavailableException e) {
            throw e;
        } catch (Throwable t) {
            // A corrupt file, a missing symbol, native access not enabled: all mean "use the Java kernels".
            throw new UnavailableException("cannot load " + path, t);
        }
    }

    private static KernelSet kernelSet(Linker linker, SymbolLookup library, Isa isa, String suffix)
            throws UnavailableException {
        Linker.Option critical = Linker.Option.critical(true);
        MethodHandle quantize = downcall(linker, library, "kvasir_quantize_q8" + suffix,
                FunctionDescriptor.ofVoid(ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG), critical);
        MethodHandle matmul = downcall(linker, library, "kvasir_q8_0_matmul" + suffix,
                FunctionDescriptor.ofVoid(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS,
                        JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG), critical);
        return new KernelSet(isa, quantize, matmul);
    }

    private static MethodHandle downcall(Linker linker, SymbolLookup library, String name, FunctionDescriptor descriptor,
            Linker.Option... options) throws UnavailableException {
        MemorySegment symbol = library.find(name).orElseThrow(() -> new UnavailableException("no symbol " + name));
        return linker.downcallHandle(symbol, descriptor, options);
    }

    private static void requireAvailable() {
        if (HANDLES == null) {
            throw new IllegalStateException("native kernels are unavailable: " + UNAVAILABLE_REASON);
        }
    }

    private static KernelSet kernels(Isa isa) {
        requireAvailable();
        KernelSet set = HANDLES.of(isa);
        if (set == null) {
            throw new IllegalStateException("this CPU does not run the " + isa.label() + " kernels");
        }
        return set;
    }

    /**
     * Quantises {@code numRows} rows of {@code cols} floats of {@code x} (from its start) into int8 quants
     * {@code xq[row*cols + c]} and one float scale per 32 values {@code xs[row*cols/32 + block]}: the scale is the
     * block's largest magnitude / 127, each quant its value / scale rounded half to even; in the format of the
     * kernels in use ({@link #isa()}), for their {@link #q8_0Matmul}.
     */
    static void quantize(float[] x, int numRows, int cols, MemorySegment xq, MemorySegment xs) {
        requireAvailable();
        quantize(KERNELS, x, numRows, cols, xq, xs);
    }

    /** {@link #quantize} with the kernels of {@code isa}: AVX512_VNNI stores batches of 4 rows and more plus 128. */
    static void quantize(Isa isa, float[] x, int numRows, int cols, MemorySegment xq, MemorySegment xs) {
        quantize(kernels(isa), x, numRows, cols, xq, xs);
    }

    private static void quantize(KernelSet kernels, float[] x, int numRows, int cols, MemorySegment xq,
            MemorySegment xs) {
        assert cols % BLOCK_SIZE == 0 && x.length >= (long) numRows * cols;
        assert xq.byteSize() >= (long) numRows * cols && xs.byteSize() >= (long) numRows * cols / BLOCK_SIZE * 4;
        try {
            kernels.quantize().invokeExact(MemorySegment.ofArray(x), (long) numRows, (long) cols, nativeAddress(xq),
                    nativeAddress(xs));
        } catch (Throwable t) {
            throw new IllegalStateException("native quantize failed", t);
        }
    }

    /** Bytes of per-thread scratch {@link #q8_0Matmul} needs for {@code cols} columns. */
    static long q8_0ScratchBytes(int cols) {
        requireAvailable();
        try {
            return (long) Q8_0_SCRATCH_BYTES.invokeExact((long) cols);
        } catch (Throwable t) {
            throw new IllegalStateException("native scratch size failed", t);
        }
    }

    /**
     * {@code out[b*rows + r] = sum_c W[r][c] * x[b][c]} for {@code b < batch} and {@code r0 <= r < r1}, with
     * {@code W} the Q8_0 matrix {@code w} and {@code x} quantised by {@link #quantize}. {@code scratch} is the
     * calling thread's ({@link #q8_0ScratchBytes} bytes, {@value #SCRATCH_ALIGNMENT}-byte aligned).
     */
    static void q8_0Matmul(WeightMatrix w, MemorySegment xq, MemorySegment xs, int batch, float[] out, int r0, int r1,
            MemorySegment scratch) {
        requireAvailable();
        q8_0Matmul(KERNELS, w, xq, xs, batch, out, r0, r1, scratch);
    }

    /** The address of native memory, for a {@code JAVA_LONG} pointer argument. */
    private static long nativeAddress(MemorySegment segment) {
        if (!segment.isNative()) {
            throw new IllegalArgumentException("the native kernels take native memory, not " + segment);
        }
        return segment.address();
    }

    /** {@link #q8_0Matmul} with the kernels of {@code isa}, on activations {@link #quantize quantised} by the same. */
    static void q8_0Matmul(Isa isa, WeightMatrix w, MemorySegment xq, MemorySegment xs, int batch, float[] out, int r0,
            int r1, MemorySegment scratch) {
        q8_0Matmul(kernels(isa), w, xq, xs, batch, out, r0, r1, scratch);
    }

    private static void q8_0Matmul(KernelSet kernels, WeightMatrix w, MemorySegment xq, MemorySegment xs, int batch,
            float[] out, int r0, int r1, MemorySegment scratch) {
        assert w.type() == GgmlType.Q8_0 && 0 <= r0 && r0 <= r1 && r1 <= w.rows();
        assert out.length >= (long) batch * w.rows() && xq.byteSize() >= (long) batch * w.cols();
        assert scratch.address() % SCRATCH_ALIGNMENT == 0 && scratch.byteSize() >= q8_0ScratchBytes(w.cols());
        assert w.data().byteSize() >= w.rowBytes() * w.rows() && xs.byteSize() >= (long) batch * w.cols() / BLOCK_SIZE * 4;
        try {
            kernels.q8_0Matmul().invokeExact(nativeAddress(w.data()), w.rowBytes(), (long) w.cols(), nativeAddress(xq),
                    nativeAddress(xs), (long) batch,
                    MemorySegment.ofArray(out), (long) w.rows(), (long) r0, (long) r1, nativeAddress(scratch));
        } catch (Throwable t) {
            throw new IllegalStateException("native Q8_0 product failed", t);
        }
    }
}
