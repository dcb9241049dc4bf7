package io.kvasir.engine.kv;

import java.util.Objects;

/**
 * Chained hashes of full blocks for prefix caching: a block's hash covers its own tokens, the hash of the
 * block before it (and so the whole prefix) and a salt. The salt is per tenant, or per group of tenants
 * that agree to share cached prefixes, so one tenant's prompts never match another's blocks and cannot be
 * probed by timing.
 *
 * <p>The hash is 64 bits and not cryptographic: equal inputs give equal hashes in every process, distinct
 * random inputs collide with probability about {@code n² / 2^65} over {@code n} cached blocks. Keep salts
 * secret so that nobody outside a tenant can aim a collision at its blocks.
 */
public final class BlockHasher {

    /** The parent hash of a sequence's first block. */
    public static final long ROOT_PARENT_HASH = 0x6a09e667f3bcc908L;

    private static final long SALT_MIX = 0x9e3779b97f4a7c15L;
    private static final long LENGTH_MIX = 0xbb67ae8584caa73bL;

    private BlockHasher() {
    }

    /**
     * The hash of the block holding {@code tokens[from .. to)}.
     *
     * @param parentHash the previous block's hash, or {@link #ROOT_PARENT_HASH} for the first block
     * @param tokens token ids
     * @param from first token of the block
     * @param to one past its last token; {@code to > from}
     * @param salt the tenant's (or sharing group's) salt
     */
    public static long computeBlockHash(long parentHash, int[] tokens, int from, int to, long salt) {
        Objects.checkFromToIndex(from, to, tokens.length);
        if (to == from) {
            throw new IllegalArgumentException("a block holds at least one token: from == to == " + from);
        }
        long h = mix(parentHash);
        h = mix(h ^ (salt * SALT_MIX));
        for (int i = from; i < to; i++) {
            // Each step is a bijection of h, so blocks that differ only in their last token never collide.
            h = mix(h ^ Integer.toUnsignedLong(tokens[i]));
        }
        return mix(h ^ ((to - from) * LENGTH_MIX));
    }

    // The murmur3 64-bit finaliser: a bijection with full avalanche.
    private static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
