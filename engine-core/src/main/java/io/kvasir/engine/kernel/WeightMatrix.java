package io.kvasir.engine.kernel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import io.kvasir.engine.gguf.GgmlType;

/** TEMPORARY stand-in until the kernels branch lands: F32 only, scalar. */
public final class WeightMatrix {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private final GgmlType type;
    private final MemorySegment data;
    private final int rows;
    private final int cols;

    private WeightMatrix(GgmlType type, MemorySegment data, int rows, int cols) {
        this.type = type;
        this.data = data;
        this.rows = rows;
        this.cols = cols;
    }

    public static WeightMatrix of(GgmlType type, MemorySegment data, int rows, int cols) {
        if (type != GgmlType.F32) {
            throw new UnsupportedOperationException(type.name());
        }
        return new WeightMatrix(type, data, rows, cols);
    }

    public int rows() { return rows; }
    public int cols() { return cols; }
    public GgmlType type() { return type; }

    public void dequantizeRow(int row, float[] dst, int dstOffset) {
        MemorySegment.copy(data, F32, (long) row * cols * 4, dst, dstOffset, cols);
    }

    float dot(int row, float[] x, int xOff) {
        long base = (long) row * cols * 4;
        float s = 0;
        for (int c = 0; c < cols; c++) {
            s += data.get(F32, base + 4L * c) * x[xOff + c];
        }
        return s;
    }
}
