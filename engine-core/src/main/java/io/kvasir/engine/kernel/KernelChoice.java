package io.kvasir.engine.kernel;

import java.util.Locale;

/**
 * Which matrix kernels a {@link MatMul} uses: the pure-Java Vector API kernels, which are always available, or
 * the optional native ones ({@code NativeKernels}: AVX2 int8 products on 8-bit-quantised activations, for Q8_0
 * weights). Chosen once per engine, through {@code EngineConfig} or the system property {@value #PROPERTY}.
 */
public enum KernelChoice {

    /** Native kernels where the library loaded and the CPU supports them (they measured faster), Java otherwise. */
    AUTO,
    /** The Java kernels only. */
    JAVA,
    /**
     * The native kernels for the weight types they cover; fails at construction when the library is unavailable,
     * so that a run asking for them never measures the Java kernels by mistake.
     */
    NATIVE;

    /** The system property naming the default choice: {@code auto}, {@code java} or {@code native}. */
    public static final String PROPERTY = "kvasir.kernels";

    /**
     * Parses {@code auto}, {@code java} or {@code native} (any case).
     *
     * @throws IllegalArgumentException for any other name, listing the known ones
     */
    public static KernelChoice parse(String name) {
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "auto" -> AUTO;
            case "java" -> JAVA;
            case "native" -> NATIVE;
            default -> throw new IllegalArgumentException("unknown kernels '" + name + "'; known: auto, java, native");
        };
    }

    /** The choice {@value #PROPERTY} names, {@link #AUTO} when it is not set. */
    public static KernelChoice configured() {
        return parse(System.getProperty(PROPERTY, "auto"));
    }

    /** Whether native kernels are available on this machine (the library loaded and the CPU supports them). */
    public static boolean nativeAvailable() {
        return NativeKernels.isAvailable();
    }

    /** The instruction set of the native kernels in use ({@code avx512-vnni} or {@code avx2}); empty when unavailable. */
    public static String nativeIsa() {
        NativeKernels.Isa isa = NativeKernels.isa();
        return isa == null ? "" : isa.label();
    }

    /** Why native kernels are unavailable, or an empty string when they are available. */
    public static String nativeUnavailableReason() {
        return NativeKernels.unavailableReason();
    }
}
