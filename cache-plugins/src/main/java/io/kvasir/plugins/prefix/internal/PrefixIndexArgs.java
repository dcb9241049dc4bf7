package io.kvasir.plugins.prefix.internal;

/** Validation of {@link io.kvasir.api.plugin.PrefixIndex} arguments at the plugin boundary. */
public final class PrefixIndexArgs {

    private PrefixIndexArgs() {
    }

    /** Checks the arguments of {@code match}. */
    public static void checkMatch(int[] tokens, int numTokens, int blockSize, int[] blockIds) {
        checkBlockSize(blockSize);
        if (numTokens < 0 || numTokens > tokens.length) {
            throw new IllegalArgumentException("numTokens must be in [0, tokens.length = " + tokens.length + "], got "
                    + numTokens);
        }
        if (blockIds.length < numTokens / blockSize) {
            throw new IllegalArgumentException("blockIds has room for " + blockIds.length + " ids, but " + numTokens
                    + " tokens hold " + numTokens / blockSize + " full blocks of " + blockSize);
        }
    }

    /** Checks the arguments of {@code insert} (the block ids themselves are the index's to check). */
    public static void checkInsert(int[] tokens, int numBlocks, int blockSize, int[] blockIds) {
        checkBlockSize(blockSize);
        if (numBlocks < 0) {
            throw new IllegalArgumentException("numBlocks must be >= 0, got " + numBlocks);
        }
        if ((long) numBlocks * blockSize > tokens.length) {
            throw new IllegalArgumentException("numBlocks " + numBlocks + " × blockSize " + blockSize
                    + " exceeds tokens.length " + tokens.length);
        }
        if (blockIds.length < numBlocks) {
            throw new IllegalArgumentException("blockIds holds " + blockIds.length + " ids, numBlocks is " + numBlocks);
        }
    }

    /** Checks the arguments of {@code evict}. */
    public static void checkEvict(int numBlocks, int[] evicted) {
        if (numBlocks < 0 || numBlocks > evicted.length) {
            throw new IllegalArgumentException("numBlocks must be in [0, evicted.length = " + evicted.length + "], got "
                    + numBlocks);
        }
    }

    /** Checks one block id. */
    public static void checkBlockId(int blockId) {
        if (blockId < 0) {
            throw new IllegalArgumentException("blockId must be >= 0, got " + blockId);
        }
    }

    /**
     * Fixes an index's block size on its first call and rejects any other afterwards.
     *
     * @param fixed the size fixed so far, 0 for none
     * @return the block size from now on
     */
    public static int fixBlockSize(int fixed, int blockSize) {
        if (fixed != 0 && fixed != blockSize) {
            throw new IllegalArgumentException("blockSize " + blockSize + " differs from this index's block size " + fixed);
        }
        return blockSize;
    }

    private static void checkBlockSize(int blockSize) {
        if (blockSize <= 0) {
            throw new IllegalArgumentException("blockSize must be > 0, got " + blockSize);
        }
    }
}
