package io.kvasir.plugins.prefix.hash.internal;

/**
 * The key of a full block: a 64-bit hash of the previous block's key, the salt and the block's tokens, so
 * equal keys mean (up to a collision) equal whole prefixes under the same salt.
 *
 * <p>Not cryptographic. Each per-token step is a bijection of the running state, so two blocks with the
 * same parent and salt that differ in any one token never share a key; other collisions happen with
 * probability about {@code n² / 2^65} over {@code n} cached blocks, and the index checks the tokens of
 * every block it finds, so a collision costs a cache miss, not wrong KV (unless two colliding prefixes
 * also continue with the same tokens).
 */
public final class ChainedBlockHash {

    /** The parent key of a sequence's first block. */
    public static final long ROOT = 0x243f6a8885a308d3L;

    private static final long GOLDEN = 0x9e3779b97f4a7c15L;
    private static final long TOKEN_MUL = 0xd6e8feb86659fd93L;

    private ChainedBlockHash() {
    }

    /** The key of the block {@code tokens[from .. from + blockSize)} whose parent block has key {@code parent}. */
    public static long of(long parent, long salt, int[] tokens, int from, int blockSize) {
        long h = finish(parent ^ finish(salt + GOLDEN));
        for (int i = from, end = from + blockSize; i < end; i++) {
            // Odd multiplier and xor-shift: both invertible, so the state stays a bijection of the token.
            h = (h ^ Integer.toUnsignedLong(tokens[i])) * TOKEN_MUL;
            h ^= h >>> 31;
        }
        return finish(h ^ blockSize);
    }

    // A 64-bit finaliser (xor-shift-multiply, invertible) with full avalanche.
    private static long finish(long h) {
        h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
        h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
        return h ^ (h >>> 31);
    }
}
