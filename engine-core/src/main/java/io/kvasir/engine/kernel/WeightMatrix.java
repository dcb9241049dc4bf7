package io.kvasir.engine.kernel;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

import io.kvasir.engine.gguf.GgmlType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;

/**
 * A 2-D weight tensor {@code [rows][cols]} in a GGML type, read in place from a {@link MemorySegment}
 * (a slice of a memory-mapped GGUF file, or any heap or native segment).
 *
 * <p>Layout: row-major; each row holds {@code cols} elements, i.e. {@code cols / blockSize} blocks laid out
 * as llama.cpp's {@code ggml-common.h} describes. GGUF lists the dimensions as {@code [cols, rows]}
 * ({@code ne0} is the column count). {@link #of} picks the type's implementation once, so kernels never
 * branch on the type per element.
 *
 * <p>Invariants:
 * <ul>
 *   <li>{@code cols % type.blockSize() == 0};</li>
 *   <li>{@code data.byteSize() >= rows * rowBytes}; row {@code r} starts at byte {@code r * rowBytes};</li>
 *   <li>the segment stays readable (its arena open) while the matrix is used.</li>
 * </ul>
 * Instances are immutable and safe to share between threads.
 */
public abstract sealed class WeightMatrix
        permits F32Matrix, F16Matrix, Bf16Matrix, Q8_0Matrix, Q4_0Matrix, Q4KMatrix, Q6KMatrix {

    final GgmlType type;
    final MemorySegment data;
    final int rows;
    final int cols;
    final long rowBytes;

    WeightMatrix(GgmlType type, MemorySegment data, int rows, int cols) {
        this.type = type;
        this.data = data;
        this.rows = rows;
        this.cols = cols;
        this.rowBytes = type.byteSize(cols);
    }

    /**
     * Wraps {@code data} as a {@code rows x cols} matrix of {@code type}.
     *
     * @throws IllegalArgumentException if the type has no kernels, the sizes are not positive, {@code cols}
     *         is not a whole number of blocks, or {@code data} is too small
     */
    public static WeightMatrix of(GgmlType type, MemorySegment data, int rows, int cols) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(data, "data");
        if (rows <= 0 || cols <= 0) {
            throw new IllegalArgumentException("rows and cols must be positive, got " + rows + " x " + cols);
        }
        if (!type.isSupportedForWeights()) {
            throw new IllegalArgumentException("no kernels for weight type " + type
                    + "; supported: F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q6_K");
        }
        if (cols % type.blockSize() != 0) {
            throw new IllegalArgumentException(
                    "cols must be a multiple of " + type + "'s block size " + type.blockSize() + ", got " + cols);
        }
        long needed = Math.multiplyExact(type.byteSize(cols), (long) rows);
        if (data.byteSize() < needed) {
            throw new IllegalArgumentException("data holds " + data.byteSize() + " bytes, a " + rows + " x " + cols
                    + " " + type + " matrix needs " + needed);
        }
        return switch (type) {
            case F32 -> new F32Matrix(data, rows, cols);
            case F16 -> new F16Matrix(data, rows, cols);
            case BF16 -> new Bf16Matrix(data, rows, cols);
            case Q8_0 -> new Q8_0Matrix(data, rows, cols);
            case Q4_0 -> new Q4_0Matrix(data, rows, cols);
            case Q4_K -> new Q4KMatrix(data, rows, cols);
            case Q6_K -> new Q6KMatrix(data, rows, cols);
            default -> throw new IllegalArgumentException("no kernels for weight type " + type
                    + "; supported: F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q6_K");
        };
    }

    /** Number of rows (output features). */
    public final int rows() {
        return rows;
    }

    /** Number of columns (input features, GGUF's {@code ne0}). */
    public final int cols() {
        return cols;
    }

    /** The element type. */
    public final GgmlType type() {
        return type;
    }

    /** The packed data (row-major blocks). */
    public final MemorySegment data() {
        return data;
    }

    /** Bytes one row occupies. */
    public final long rowBytes() {
        return rowBytes;
    }

    /**
     * Writes row {@code row} as {@code cols} floats to {@code dst[dstOffset..]} (embedding lookup).
     *
     * @throws IndexOutOfBoundsException if the row or the destination range is out of bounds
     */
    public final void dequantizeRow(int row, float[] dst, int dstOffset) {
        Objects.checkIndex(row, rows);
        Objects.checkFromIndexSize(dstOffset, cols, dst.length);
        dequantize(row, 0, cols, dst, dstOffset);
    }

    /**
     * The dot product of row {@code row} with {@code x[xOffset..xOffset+cols)}, in float arithmetic (the
     * activations are not quantised).
     *
     * @throws IndexOutOfBoundsException if the row or the activation range is out of bounds
     */
    public final float dotRow(int row, float[] x, int xOffset) {
        Objects.checkIndex(row, rows);
        Objects.checkFromIndexSize(xOffset, cols, x.length);
        return dot(row, x, xOffset);
    }

    /** Kernel behind {@link #dotRow}; arguments are trusted (asserted only). */
    abstract float dot(int row, float[] x, int xOffset);

    /**
     * Kernel behind {@link #dequantizeRow} for a column range: {@code col} and {@code numCols} are multiples
     * of the block size; arguments are trusted (asserted only).
     */
    abstract void dequantize(int row, int col, int numCols, float[] dst, int dstOffset);

    /**
     * Rows {@code row} and {@code row + 1} (or {@code row} twice when it is the last), columns
     * {@code col..col+numCols}, as pairs: {@code dst[dstOffset + k]} holds the first row's element in its low
     * float and the second's in its high float (the GEMM panel layout). {@code scratch} holds at least
     * {@code 2 * numCols} floats. Types override this where fusing the interleave into dequantisation pays.
     */
    void dequantizePair(int row, int col, int numCols, double[] dst, int dstOffset, float[] scratch) {
        dequantize(row, col, numCols, scratch, 0);
        dequantize(row + 1 < rows ? row + 1 : row, col, numCols, scratch, numCols);
        int k = 0;
        for (int bound = Simd.FLOATS.loopBound(numCols); k < bound; k += Simd.LANES) {
            IntVector first = FloatVector.fromArray(Simd.FLOATS, scratch, k).reinterpretAsInts();
            IntVector second = FloatVector.fromArray(Simd.FLOATS, scratch, numCols + k).reinterpretAsInts();
            Simd.ZIP_LOW.selectFrom(first, second).reinterpretAsDoubles().intoArray(dst, dstOffset + k);
            Simd.ZIP_HIGH.selectFrom(first, second).reinterpretAsDoubles()
                    .intoArray(dst, dstOffset + k + Simd.LANES / 2);
        }
        for (; k < numCols; k++) {
            long low = Float.floatToRawIntBits(scratch[k]) & 0xffffffffL;
            long high = (long) Float.floatToRawIntBits(scratch[numCols + k]) << 32;
            dst[dstOffset + k] = Double.longBitsToDouble(high | low);
        }
    }

    final boolean validRange(int row, int col, int numCols) {
        int blockSize = type.blockSize();
        return row >= 0 && row < rows && col >= 0 && numCols >= 0 && col + numCols <= cols
                && col % blockSize == 0 && numCols % blockSize == 0;
    }

    @Override
    public String toString() {
        return type + "[" + rows + " x " + cols + "]";
    }
}
