package io.kvasir.engine.gguf;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * One tensor of a GGUF file: a zero-copy view of its bytes in the file's mapping.
 *
 * <p>{@code dims} is in GGUF order: {@code dims[0]} (ne0) is the innermost, contiguous dimension. A weight
 * matrix of {@code rows} output features over {@code cols} inputs has dims {@code [cols, rows]}.
 * The segment lives as long as the {@link GgufFile} that produced it.
 *
 * @param name the tensor's name, e.g. {@code blk.0.attn_q.weight}
 * @param type the element type
 * @param dims the dimensions, 1 to 4, all positive
 * @param offset the absolute offset of the data in the file
 * @param data the tensor's bytes
 */
public record GgufTensor(String name, GgmlType type, long[] dims, long offset, MemorySegment data) {

    public GgufTensor {
        dims = dims.clone();
    }

    /** Product of the dimensions. */
    public long numElements() {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        return n;
    }

    /** A copy of the dimensions (GGUF order). */
    @Override
    public long[] dims() {
        return dims.clone();
    }

    /** The dimension at {@code index}, or 1 past the tensor's rank. */
    public long dim(int index) {
        return index < dims.length ? dims[index] : 1;
    }

    /** Byte size of the data. */
    public long byteSize() {
        return data.byteSize();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof GgufTensor t && t.name.equals(name) && t.type == type
                && Arrays.equals(t.dims, dims) && t.offset == offset;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Long.hashCode(offset);
    }

    @Override
    public String toString() {
        return name + " " + type + " " + Arrays.toString(dims);
    }
}
