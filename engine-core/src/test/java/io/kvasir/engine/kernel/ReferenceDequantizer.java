package io.kvasir.engine.kernel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import io.kvasir.engine.gguf.GgmlType;

/**
 * Scalar dequantisation written straight from llama.cpp's {@code dequantize_row_*} functions, one element
 * at a time and independent of the kernels' code: the oracle for kernel tests.
 */
final class ReferenceDequantizer {

    private static final ValueLayout.OfShort SHORT_LE =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat FLOAT_LE =
            ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private ReferenceDequantizer() {
    }

    /** All {@code numElements} elements starting at byte {@code offset}. */
    static float[] dequantize(GgmlType type, MemorySegment data, long offset, int numElements) {
        float[] out = new float[numElements];
        int numBlocks = numElements / type.blockSize();
        for (int b = 0; b < numBlocks; b++) {
            long block = offset + (long) b * type.bytesPerBlock();
            int y = b * type.blockSize();
            switch (type) {
                case F32 -> out[y] = data.get(FLOAT_LE, block);
                case F16 -> out[y] = Float.float16ToFloat(data.get(SHORT_LE, block));
                case BF16 -> out[y] = Float.intBitsToFloat((data.get(SHORT_LE, block) & 0xffff) << 16);
                case Q8_0 -> q8_0(data, block, out, y);
                case Q4_0 -> q4_0(data, block, out, y);
                case Q4_K -> q4K(data, block, out, y);
                case Q6_K -> q6K(data, block, out, y);
                default -> throw new IllegalArgumentException(type.toString());
            }
        }
        return out;
    }

    /** The whole {@code rows x cols} matrix, row-major. */
    static float[][] dequantizeMatrix(GgmlType type, MemorySegment data, int rows, int cols) {
        float[][] out = new float[rows][];
        for (int r = 0; r < rows; r++) {
            out[r] = dequantize(type, data, r * type.byteSize(cols), cols);
        }
        return out;
    }

    private static int u8(MemorySegment data, long offset) {
        return data.get(ValueLayout.JAVA_BYTE, offset) & 0xff;
    }

    private static float f16(MemorySegment data, long offset) {
        return Float.float16ToFloat(data.get(SHORT_LE, offset));
    }

    private static void q8_0(MemorySegment data, long block, float[] y, int yOffset) {
        float d = f16(data, block);
        for (int j = 0; j < 32; j++) {
            y[yOffset + j] = d * data.get(ValueLayout.JAVA_BYTE, block + 2 + j);
        }
    }

    private static void q4_0(MemorySegment data, long block, float[] y, int yOffset) {
        float d = f16(data, block);
        for (int j = 0; j < 16; j++) {
            int q = u8(data, block + 2 + j);
            y[yOffset + j] = ((q & 0x0f) - 8) * d;
            y[yOffset + j + 16] = ((q >> 4) - 8) * d;
        }
    }

    /** {@code get_scale_min_k4}: returns {scale, min} of sub-block j. */
    private static int[] scaleMinK4(int j, MemorySegment data, long scales) {
        if (j < 4) {
            return new int[] {u8(data, scales + j) & 63, u8(data, scales + j + 4) & 63};
        }
        int d = (u8(data, scales + j + 4) & 0xf) | ((u8(data, scales + j - 4) >> 6) << 4);
        int m = (u8(data, scales + j + 4) >> 4) | ((u8(data, scales + j) >> 6) << 4);
        return new int[] {d, m};
    }

    private static void q4K(MemorySegment data, long block, float[] y, int yOffset) {
        float d = f16(data, block);
        float min = f16(data, block + 2);
        long scales = block + 4;
        long q = block + 16;
        int out = yOffset;
        int is = 0;
        for (int j = 0; j < 256; j += 64) {
            int[] sm1 = scaleMinK4(is, data, scales);
            float d1 = d * sm1[0];
            float m1 = min * sm1[1];
            int[] sm2 = scaleMinK4(is + 1, data, scales);
            float d2 = d * sm2[0];
            float m2 = min * sm2[1];
            for (int l = 0; l < 32; l++) {
                y[out++] = d1 * (u8(data, q + l) & 0xf) - m1;
            }
            for (int l = 0; l < 32; l++) {
                y[out++] = d2 * (u8(data, q + l) >> 4) - m2;
            }
            q += 32;
            is += 2;
        }
    }

    private static void q6K(MemorySegment data, long block, float[] y, int yOffset) {
        float d = f16(data, block + 208);
        long ql = block;
        long qh = block + 128;
        long sc = block + 192;
        int out = yOffset;
        for (int n = 0; n < 256; n += 128) {
            for (int l = 0; l < 32; l++) {
                int is = l / 16;
                int q1 = ((u8(data, ql + l) & 0xf) | (((u8(data, qh + l) >> 0) & 3) << 4)) - 32;
                int q2 = ((u8(data, ql + l + 32) & 0xf) | (((u8(data, qh + l) >> 2) & 3) << 4)) - 32;
                int q3 = ((u8(data, ql + l) >> 4) | (((u8(data, qh + l) >> 4) & 3) << 4)) - 32;
                int q4 = ((u8(data, ql + l + 32) >> 4) | (((u8(data, qh + l) >> 6) & 3) << 4)) - 32;
                y[out + l] = d * data.get(ValueLayout.JAVA_BYTE, sc + is) * q1;
                y[out + l + 32] = d * data.get(ValueLayout.JAVA_BYTE, sc + is + 2) * q2;
                y[out + l + 64] = d * data.get(ValueLayout.JAVA_BYTE, sc + is + 4) * q3;
                y[out + l + 96] = d * data.get(ValueLayout.JAVA_BYTE, sc + is + 6) * q4;
            }
            out += 128;
            ql += 64;
            qh += 32;
            sc += 8;
        }
    }
}
