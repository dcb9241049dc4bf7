package io.kvasir.engine.gguf;

/**
 * The tensor element types of the GGML/GGUF format, with their on-disk ids and block layout.
 *
 * <p>Quantised types store elements in blocks: {@link #blockSize()} elements take
 * {@link #bytesPerBlock()} bytes. Plain types have a block size of one. Layouts follow llama.cpp's
 * {@code ggml-common.h}: Q8_0 = f16 scale + 32 int8; Q4_0 = f16 scale + 16 bytes of 4-bit pairs;
 * Q4_K = f16 d, f16 dmin, 12 bytes of 6-bit scales/mins, 128 bytes of 4-bit quants per 256 elements;
 * Q6_K = 128 bytes low 4 bits, 64 bytes high 2 bits, 16 int8 scales, f16 d per 256 elements.
 */
public enum GgmlType {
    F32(0, 1, 4, true),
    F16(1, 1, 2, true),
    Q4_0(2, 32, 2 + 16, true),
    Q4_1(3, 32, 2 + 2 + 16, false),
    Q5_0(6, 32, 2 + 4 + 16, false),
    Q5_1(7, 32, 2 + 2 + 4 + 16, false),
    Q8_0(8, 32, 2 + 32, true),
    Q8_1(9, 32, 4 + 4 + 32, false),
    Q2_K(10, 256, 256 / 16 + 256 / 4 + 2 + 2, false),
    Q3_K(11, 256, 256 / 8 + 256 / 4 + 12 + 2, false),
    Q4_K(12, 256, 2 + 2 + 12 + 256 / 2, true),
    Q5_K(13, 256, 2 + 2 + 12 + 256 / 8 + 256 / 2, false),
    Q6_K(14, 256, 256 / 2 + 256 / 4 + 256 / 16 + 2, true),
    Q8_K(15, 256, 4 + 256 + 256 / 16 * 2, false),
    I8(24, 1, 1, false),
    I16(25, 1, 2, false),
    I32(26, 1, 4, false),
    I64(27, 1, 8, false),
    F64(28, 1, 8, false),
    BF16(30, 1, 2, true);

    private static final GgmlType[] BY_ID = new GgmlType[64];

    static {
        for (GgmlType type : values()) {
            BY_ID[type.id] = type;
        }
    }

    private final int id;
    private final int blockSize;
    private final int bytesPerBlock;
    private final boolean supportedForWeights;

    GgmlType(int id, int blockSize, int bytesPerBlock, boolean supportedForWeights) {
        this.id = id;
        this.blockSize = blockSize;
        this.bytesPerBlock = bytesPerBlock;
        this.supportedForWeights = supportedForWeights;
    }

    /** The id written in GGUF tensor infos. */
    public int id() {
        return id;
    }

    /** Elements per block (1 for plain types). */
    public int blockSize() {
        return blockSize;
    }

    /** Bytes one block occupies. */
    public int bytesPerBlock() {
        return bytesPerBlock;
    }

    /** Whether Kvasir's kernels can compute with weights of this type. */
    public boolean isSupportedForWeights() {
        return supportedForWeights;
    }

    /**
     * Bytes that {@code numElements} elements occupy.
     *
     * @throws IllegalArgumentException if the count is negative or not a whole number of blocks
     * @throws ArithmeticException if the size overflows a long
     */
    public long byteSize(long numElements) {
        if (numElements < 0 || numElements % blockSize != 0) {
            throw new IllegalArgumentException(
                    name() + " needs a multiple of " + blockSize + " elements, got " + numElements);
        }
        return Math.multiplyExact(numElements / blockSize, (long) bytesPerBlock);
    }

    /** The type with this GGUF id, or null when the id is unknown. */
    public static GgmlType fromId(long id) {
        return id >= 0 && id < BY_ID.length ? BY_ID[(int) id] : null;
    }
}
