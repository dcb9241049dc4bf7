package io.kvasir.engine.kv;

/**
 * The shape of a model's KV cache: each token stores one key and one value vector per layer and KV head,
 * so it takes exactly {@code 2 × numLayers × numKvHeads × headDim × bytesPerElement} bytes. Grouped-query
 * attention is counted natively: only KV heads are cached, not query heads.
 *
 * <p>Sub-byte codecs with scales (int4 and the like) need their own layout; this one describes a cache
 * with a whole number of bytes per element and nothing else.
 *
 * @param numLayers transformer layers, at least 1
 * @param numKvHeads key/value heads per layer, at least 1
 * @param headDim elements per head, at least 1
 * @param blockSize tokens per block, at least 1
 * @param bytesPerElement bytes per stored element (2 for f16/bf16, 1 for int8/fp8, 4 for f32), at least 1
 */
public record KvCacheLayout(int numLayers, int numKvHeads, int headDim, int blockSize, int bytesPerElement) {

    /** Validates every field, and that the block size in bytes fits a long. */
    public KvCacheLayout {
        requirePositive(numLayers, "numLayers");
        requirePositive(numKvHeads, "numKvHeads");
        requirePositive(headDim, "headDim");
        requirePositive(blockSize, "blockSize");
        requirePositive(bytesPerElement, "bytesPerElement");
        // Checked once here so the accessors can multiply without overflow checks.
        try {
            Math.multiplyExact(bytesPerTokenExact(numLayers, numKvHeads, headDim, bytesPerElement), (long) blockSize);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("KV cache layout too large: bytes per block overflow a long", e);
        }
    }

    /** KV bytes per token: {@code 2 × numLayers × numKvHeads × headDim × bytesPerElement}. */
    public long bytesPerToken() {
        return bytesPerTokenExact(numLayers, numKvHeads, headDim, bytesPerElement);
    }

    /** KV bytes per block: {@code bytesPerToken() × blockSize}. */
    public long bytesPerBlock() {
        return bytesPerToken() * blockSize;
    }

    /**
     * The number of whole blocks a memory budget holds, capped at the largest pool {@link BlockPool}
     * accepts for this block size.
     *
     * @param bytes the budget, at least 0
     */
    public int numBlocksForBudget(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes must be non-negative: " + bytes);
        }
        long maxNumBlocks = Math.min(BlockPool.MAX_NUM_BLOCKS, Integer.MAX_VALUE / blockSize);
        return (int) Math.min(bytes / bytesPerBlock(), maxNumBlocks);
    }

    private static long bytesPerTokenExact(int numLayers, int numKvHeads, int headDim, int bytesPerElement) {
        long bytes = Math.multiplyExact(2L * numLayers, (long) numKvHeads);
        bytes = Math.multiplyExact(bytes, (long) headDim);
        return Math.multiplyExact(bytes, (long) bytesPerElement);
    }

    private static void requirePositive(int value, String name) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1: " + value);
        }
    }
}
