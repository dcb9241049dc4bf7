package io.kvasir.engine.kv;

import java.util.Arrays;
import java.util.Objects;

/**
 * One sequence's block ids in token order, and its token count: token {@code p} lives in block
 * {@code blockId(p / blockSize)} at offset {@code p % blockSize}, which is slot
 * {@code blockId × blockSize + offset} of the backend's KV storage.
 *
 * <p>Invariants: {@code numBlocks() == ceil(numTokens() / blockSize)}, so at most the last block is
 * partly filled. Only {@link KvCacheManager} changes a table; everyone else reads it.
 * Not thread-safe.
 */
public final class BlockTable {

    private static final int INITIAL_CAPACITY = 8;

    private final int blockSize;
    private int[] blockIds;
    private int numBlocks;
    private int numTokens;

    BlockTable(int blockSize) {
        this(blockSize, INITIAL_CAPACITY);
    }

    private BlockTable(int blockSize, int capacity) {
        assert blockSize >= 1;
        this.blockSize = blockSize;
        this.blockIds = new int[Math.max(capacity, 1)];
    }

    /** Tokens per block. */
    public int blockSize() {
        return blockSize;
    }

    /** The number of blocks the sequence holds. */
    public int numBlocks() {
        return numBlocks;
    }

    /** The number of tokens with a slot, including those being written in the current step. */
    public int numTokens() {
        return numTokens;
    }

    /** The block id at a block index. */
    public int blockId(int blockIndex) {
        return blockIds[Objects.checkIndex(blockIndex, numBlocks)];
    }

    /** The block holding a token position. */
    public int blockIdForToken(int position) {
        return blockIds[Objects.checkIndex(position, numTokens) / blockSize];
    }

    /** A token position's offset inside its block. */
    public int offsetInBlock(int position) {
        return Objects.checkIndex(position, numTokens) % blockSize;
    }

    /** A token position's slot in the backend's KV storage: {@code blockId × blockSize + offset}. */
    public int slot(int position) {
        Objects.checkIndex(position, numTokens);
        return blockIds[position / blockSize] * blockSize + position % blockSize;
    }

    /** The number of full blocks: those whose contents no longer change, and so may be cached. */
    public int numFullBlocks() {
        return numTokens / blockSize;
    }

    /**
     * Copies the block ids into {@code dst} starting at {@code dstOffset} (for the batch's block-table
     * tensor) and returns how many were copied.
     */
    public int copyBlockIds(int[] dst, int dstOffset) {
        System.arraycopy(blockIds, 0, dst, dstOffset, numBlocks);
        return numBlocks;
    }

    @Override
    public String toString() {
        return "BlockTable[numTokens=" + numTokens + ", blockIds="
                + Arrays.toString(Arrays.copyOf(blockIds, numBlocks)) + "]";
    }

    int lastBlockId() {
        assert numBlocks > 0;
        return blockIds[numBlocks - 1];
    }

    void append(int blockId) {
        if (numBlocks == blockIds.length) {
            blockIds = Arrays.copyOf(blockIds, blockIds.length * 2);
        }
        blockIds[numBlocks++] = blockId;
    }

    /** Removes and returns the last block id. */
    int removeLast() {
        assert numBlocks > 0;
        return blockIds[--numBlocks];
    }

    void replaceLast(int blockId) {
        assert numBlocks > 0;
        blockIds[numBlocks - 1] = blockId;
    }

    void setNumTokens(int numTokens) {
        assert numTokens >= 0 && ceilDiv(numTokens, blockSize) == numBlocks
                : "numTokens " + numTokens + " does not fit " + numBlocks + " blocks of " + blockSize;
        this.numTokens = numTokens;
    }

    void clear() {
        numBlocks = 0;
        numTokens = 0;
    }

    BlockTable copy() {
        BlockTable copy = new BlockTable(blockSize, Math.max(numBlocks, INITIAL_CAPACITY));
        System.arraycopy(blockIds, 0, copy.blockIds, 0, numBlocks);
        copy.numBlocks = numBlocks;
        copy.numTokens = numTokens;
        return copy;
    }

    static int ceilDiv(long numTokens, int blockSize) {
        return (int) ((numTokens + blockSize - 1) / blockSize);
    }
}
