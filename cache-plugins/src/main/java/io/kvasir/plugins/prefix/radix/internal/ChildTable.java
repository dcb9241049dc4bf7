package io.kvasir.plugins.prefix.radix.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Every parent → child edge of the tree in one open-addressing table, keyed by the parent and the tokens of
 * the child's first block (siblings never share a first block). One table instead of a map per node keeps
 * lookups free of allocation; entries are compared by content, so a hash collision only lengthens a probe.
 *
 * <p>Invariants: a null slot is empty; every entry sits in the probe run that starts at its home slot;
 * {@code slotHash[i]} is the hash of {@code slots[i]}'s key; {@code size <= capacity / 2}. Linear probing
 * with backward-shift deletion. Allocates only when it grows.
 */
final class ChildTable {

    private final int blockSize;
    private RadixNode[] slots = new RadixNode[64];
    private long[] slotHash = new long[64];
    private int mask = 63;
    private int size;

    ChildTable(int blockSize) {
        this.blockSize = blockSize;
    }

    int size() {
        return size;
    }

    /** The child of {@code parent} whose first block is {@code tokens[from .. from + blockSize)}, or null. */
    RadixNode find(RadixNode parent, int[] tokens, int from) {
        long hash = hash(parent, tokens, from);
        for (int i = (int) hash & mask; ; i = (i + 1) & mask) {
            RadixNode node = slots[i];
            if (node == null) {
                return null;
            }
            if (slotHash[i] == hash && node.parent == parent
                    && Arrays.equals(node.tokens, 0, blockSize, tokens, from, from + blockSize)) {
                return node;
            }
        }
    }

    /** Adds the edge into {@code node} (under its current parent and first block). */
    void add(RadixNode node) {
        assert !node.isRoot() && node.numBlocks > 0;
        if (2 * (size + 1) > slots.length) {
            grow();
        }
        insert(node, hash(node.parent, node.tokens, 0));
        size++;
    }

    /** Removes the edge into {@code node}; its parent and first block must be the ones it was added with. */
    void remove(RadixNode node) {
        long hash = hash(node.parent, node.tokens, 0);
        int i = (int) hash & mask;
        while (slots[i] != node) {
            assert slots[i] != null : node + " is not in the child table";
            i = (i + 1) & mask;
        }
        size--;
        int hole = i;
        for (int j = (hole + 1) & mask; slots[j] != null; j = (j + 1) & mask) {
            int home = (int) slotHash[j] & mask;
            if (((j - home) & mask) >= ((j - hole) & mask)) {
                slots[hole] = slots[j];
                slotHash[hole] = slotHash[j];
                hole = j;
            }
        }
        slots[hole] = null;
    }

    /** Every node that has a parent, in no particular order (for invariant checks, not the hot path). */
    List<RadixNode> nodes() {
        List<RadixNode> out = new ArrayList<>(size);
        for (RadixNode node : slots) {
            if (node != null) {
                out.add(node);
            }
        }
        return out;
    }

    private void insert(RadixNode node, long hash) {
        int i = (int) hash & mask;
        while (slots[i] != null) {
            i = (i + 1) & mask;
        }
        slots[i] = node;
        slotHash[i] = hash;
    }

    private long hash(RadixNode parent, int[] tokens, int from) {
        long h = parent.serial * 0x9e3779b97f4a7c15L;
        for (int i = from, end = from + blockSize; i < end; i++) {
            h = (h ^ Integer.toUnsignedLong(tokens[i])) * 0xd6e8feb86659fd93L;
            h ^= h >>> 32;
        }
        h ^= h >>> 29;
        h *= 0xbf58476d1ce4e5b9L;
        return h ^ (h >>> 32);
    }

    private void grow() {
        RadixNode[] oldSlots = slots;
        long[] oldHash = slotHash;
        slots = new RadixNode[oldSlots.length * 2];
        slotHash = new long[oldSlots.length * 2];
        mask = slots.length - 1;
        for (int i = 0; i < oldSlots.length; i++) {
            if (oldSlots[i] != null) {
                insert(oldSlots[i], oldHash[i]);
            }
        }
    }
}
