package io.kvasir.plugins.prefix.radix.internal;

/**
 * A node of the radix tree: an edge of whole blocks (their tokens and block ids) below its parent. A root
 * (one per salt) has no blocks and no parent.
 *
 * <p>Fields are package-private: {@link RadixPrefixIndex} keeps them consistent (its class comment lists
 * the invariants).
 */
final class RadixNode {

    /** Creation order; breaks ties in eviction order and keys the node's children. */
    final long serial;
    /** The salt of the tree the node belongs to. */
    final long salt;
    RadixNode parent;
    /** {@code numBlocks × blockSize} tokens, possibly with unused room after them. */
    int[] tokens;
    int[] blockIds;
    int numBlocks;
    int numChildren;
    /** Referenced blocks in this node. */
    int numReferenced;
    /** Referenced blocks in this node and every node below it; 0 means the whole subtree is evictable. */
    int lockRef;
    long lastAccess;
    long hitCount;
    /** Position in the eviction heap, or -1 when not in it. */
    int heapIndex = -1;

    RadixNode(long serial, long salt, RadixNode parent, int[] tokens, int[] blockIds, int numBlocks) {
        this.serial = serial;
        this.salt = salt;
        this.parent = parent;
        this.tokens = tokens;
        this.blockIds = blockIds;
        this.numBlocks = numBlocks;
    }

    boolean isRoot() {
        return parent == null;
    }

    boolean isLeaf() {
        return numChildren == 0;
    }

    @Override
    public String toString() {
        return "RadixNode#" + serial + "(blocks " + numBlocks + ", children " + numChildren + ", lockRef " + lockRef + ")";
    }
}
