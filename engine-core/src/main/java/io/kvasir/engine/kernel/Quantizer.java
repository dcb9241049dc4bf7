package io.kvasir.engine.kernel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;

import io.kvasir.engine.gguf.GgmlType;

/**
 * Encodes floats in the GGML weight types, for synthesising models and tests (not a hot path).
 *
 * <p>Q8_0 and Q4_0 follow llama.cpp's reference quantisers ({@code quantize_row_q8_0_ref},
 * {@code quantize_row_q4_0_ref}). Q4_K and Q6_K use a simpler one-pass scale choice than llama.cpp's
 * least-squares search: the layouts are exact, the error somewhat larger (about half a quantisation step
 * plus the 6-/8-bit rounding of the sub-block scales; Q6_K uses
 * quants -31..31).
 */
public final class Quantizer {

    private static final ValueLayout.OfShort SHORT_LE = Simd.SHORT_LE;

    private Quantizer() {
    }

    /**
     * Encodes {@code src[srcOffset..srcOffset+numElements)} as {@code type} into {@code dst} at {@code dstOffset}
     * ({@code type.byteSize(numElements)} bytes).
     *
     * @throws IllegalArgumentException if the type is unsupported or {@code numElements} is not a whole number
     *         of blocks
     */
    public static void quantize(GgmlType type, float[] src, int srcOffset, int numElements, MemorySegment dst,
            long dstOffset) {
        Objects.requireNonNull(type, "type");
        Objects.checkFromIndexSize(srcOffset, numElements, src.length);
        Objects.checkFromIndexSize(dstOffset, type.byteSize(numElements), dst.byteSize());
        switch (type) {
            case F32 -> {
                for (int i = 0; i < numElements; i++) {
                    dst.set(Simd.FLOAT_LE, dstOffset + 4L * i, src[srcOffset + i]);
                }
            }
            case F16 -> {
                for (int i = 0; i < numElements; i++) {
                    dst.set(SHORT_LE, dstOffset + 2L * i, Float.floatToFloat16(src[srcOffset + i]));
                }
            }
            case BF16 -> {
                for (int i = 0; i < numElements; i++) {
                    dst.set(SHORT_LE, dstOffset + 2L * i, toBfloat16(src[srcOffset + i]));
                }
            }
            case Q8_0 -> forEachBlock(type, numElements, b -> quantizeQ8_0Block(
                    src, srcOffset + b * 32, dst, dstOffset + (long) b * type.bytesPerBlock()));
            case Q4_0 -> forEachBlock(type, numElements, b -> quantizeQ4_0Block(
                    src, srcOffset + b * 32, dst, dstOffset + (long) b * type.bytesPerBlock()));
            case Q4_K -> forEachBlock(type, numElements, b -> quantizeQ4KBlock(
                    src, srcOffset + b * 256, dst, dstOffset + (long) b * type.bytesPerBlock()));
            case Q6_K -> forEachBlock(type, numElements, b -> quantizeQ6KBlock(
                    src, srcOffset + b * 256, dst, dstOffset + (long) b * type.bytesPerBlock()));
            default -> throw new IllegalArgumentException("cannot quantise to " + type
                    + "; supported: F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q6_K");
        }
    }

    /** Encodes all of {@code src} as {@code type} into a new byte array. */
    public static byte[] quantize(GgmlType type, float[] src) {
        byte[] bytes = new byte[Math.toIntExact(type.byteSize(src.length))];
        quantize(type, src, 0, src.length, MemorySegment.ofArray(bytes), 0);
        return bytes;
    }

    /** The bfloat16 nearest to {@code value} (ties to even; NaN stays NaN). */
    public static short toBfloat16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if (Float.isNaN(value)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        return (short) ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16);
    }

    private interface BlockEncoder {
        void encode(int block);
    }

    private static void forEachBlock(GgmlType type, int numElements, BlockEncoder encoder) {
        int numBlocks = numElements / type.blockSize();
        for (int b = 0; b < numBlocks; b++) {
            encoder.encode(b);
        }
    }

    /** C's {@code roundf}: halves away from zero. */
    private static int roundHalfAway(float v) {
        return (int) Math.copySign(Math.floor(Math.abs((double) v) + 0.5), v);
    }

    private static float storeF16(MemorySegment dst, long offset, float value) {
        short half = Float.floatToFloat16(value);
        dst.set(SHORT_LE, offset, half);
        return Float.float16ToFloat(half);
    }

    private static void quantizeQ8_0Block(float[] x, int offset, MemorySegment dst, long block) {
        float amax = 0;
        for (int i = 0; i < 32; i++) {
            amax = Math.max(amax, Math.abs(x[offset + i]));
        }
        float d = amax / 127;
        float id = d != 0 ? 1 / d : 0;
        storeF16(dst, block, d);
        for (int i = 0; i < 32; i++) {
            dst.set(ValueLayout.JAVA_BYTE, block + 2 + i, (byte) roundHalfAway(x[offset + i] * id));
        }
    }

    private static void quantizeQ4_0Block(float[] x, int offset, MemorySegment dst, long block) {
        float amax = 0;
        float max = 0;
        for (int i = 0; i < 32; i++) {
            float v = x[offset + i];
            if (Math.abs(v) > amax) {
                amax = Math.abs(v);
                max = v;
            }
        }
        // The largest magnitude maps to -8, so the asymmetric range [-8, 7] is used in full.
        float d = max / -8;
        float id = d != 0 ? 1 / d : 0;
        storeF16(dst, block, d);
        for (int j = 0; j < 16; j++) {
            int low = Math.min(15, (int) (x[offset + j] * id + 8.5f));
            int high = Math.min(15, (int) (x[offset + 16 + j] * id + 8.5f));
            dst.set(ValueLayout.JAVA_BYTE, block + 2 + j, (byte) (low | (high << 4)));
        }
    }

    private static void quantizeQ4KBlock(float[] x, int offset, MemorySegment dst, long block) {
        float[] scales = new float[8];
        float[] mins = new float[8];
        float maxScale = 0;
        float maxMin = 0;
        for (int s = 0; s < 8; s++) {
            float lo = 0;
            float hi = 0;
            for (int i = 0; i < 32; i++) {
                lo = Math.min(lo, x[offset + 32 * s + i]);
                hi = Math.max(hi, x[offset + 32 * s + i]);
            }
            mins[s] = -lo;
            scales[s] = (hi - lo) / 15;
            maxScale = Math.max(maxScale, scales[s]);
            maxMin = Math.max(maxMin, mins[s]);
        }
        float d = storeF16(dst, block, maxScale / 63);
        float dmin = storeF16(dst, block + 2, maxMin / 63);
        int[] sc = new int[8];
        int[] m = new int[8];
        for (int s = 0; s < 8; s++) {
            // Round the min up so x + min stays non-negative, then size the scale to cover the top.
            m[s] = dmin > 0 ? Math.min(63, (int) Math.ceil(mins[s] / dmin)) : 0;
            float top = scales[s] * 15 - mins[s] + dmin * m[s];
            sc[s] = d > 0 ? Math.min(63, (int) Math.ceil(top / 15 / d)) : 0;
        }
        long packed = block + 4;
        for (int s = 0; s < 4; s++) {
            dst.set(ValueLayout.JAVA_BYTE, packed + s, (byte) (sc[s] | ((sc[s + 4] >> 4) << 6)));
            dst.set(ValueLayout.JAVA_BYTE, packed + s + 4, (byte) (m[s] | ((m[s + 4] >> 4) << 6)));
            dst.set(ValueLayout.JAVA_BYTE, packed + s + 8, (byte) ((sc[s + 4] & 0xf) | ((m[s + 4] & 0xf) << 4)));
        }
        for (int j = 0; j < 4; j++) {
            for (int l = 0; l < 32; l++) {
                int low = quantizeAsymmetric(x[offset + 64 * j + l], d * sc[2 * j], dmin * m[2 * j]);
                int high = quantizeAsymmetric(x[offset + 64 * j + 32 + l], d * sc[2 * j + 1], dmin * m[2 * j + 1]);
                dst.set(ValueLayout.JAVA_BYTE, block + 16 + 32L * j + l, (byte) (low | (high << 4)));
            }
        }
    }

    private static int quantizeAsymmetric(float v, float scale, float min) {
        if (scale <= 0) {
            return 0;
        }
        return Math.clamp(Math.round((v + min) / scale), 0, 15);
    }

    private static void quantizeQ6KBlock(float[] x, int offset, MemorySegment dst, long block) {
        float[] scales = new float[16];
        float maxAbsScale = 0;
        for (int s = 0; s < 16; s++) {
            float amax = 0;
            for (int i = 0; i < 16; i++) {
                amax = Math.max(amax, Math.abs(x[offset + 16 * s + i]));
            }
            // +-31 rather than llama.cpp's max -> -32: without its scale search, -32 clamps +max by a whole step.
            scales[s] = amax / 31;
            maxAbsScale = Math.max(maxAbsScale, Math.abs(scales[s]));
        }
        float d = storeF16(dst, block + 208, maxAbsScale / 127);
        int[] q = new int[256];
        for (int s = 0; s < 16; s++) {
            // Rounding the scale up means no quant clamps: the error stays within half an (effective) step.
            int sc = d > 0 ? Math.min(127, (int) Math.ceil(scales[s] / d)) : 0;
            dst.set(ValueLayout.JAVA_BYTE, block + 192 + s, (byte) sc);
            float scale = d * sc;
            for (int i = 0; i < 16; i++) {
                int e = 16 * s + i;
                q[e] = scale != 0 ? Math.clamp(Math.round(x[offset + e] / scale), -32, 31) + 32 : 32;
            }
        }
        for (int half = 0; half < 2; half++) {
            int e = 128 * half;
            for (int l = 0; l < 32; l++) {
                int q1 = q[e + l];
                int q2 = q[e + l + 32];
                int q3 = q[e + l + 64];
                int q4 = q[e + l + 96];
                dst.set(ValueLayout.JAVA_BYTE, block + 64L * half + l, (byte) ((q1 & 0xf) | ((q3 & 0xf) << 4)));
                dst.set(ValueLayout.JAVA_BYTE, block + 64L * half + 32 + l, (byte) ((q2 & 0xf) | ((q4 & 0xf) << 4)));
                dst.set(ValueLayout.JAVA_BYTE, block + 128 + 32L * half + l,
                        (byte) ((q1 >> 4) | ((q2 >> 4) << 2) | ((q3 >> 4) << 4) | ((q4 >> 4) << 6)));
            }
        }
    }
}
