package io.kvasir.plugins.prefix.radix.internal;

import java.util.Arrays;

/**
 * A binary min-heap of the evictable leaves in {@link EvictionOrder}, indexed (each node knows its
 * position) so a leaf can leave or move in {@code O(log n)} when it is referenced, touched or gains a child.
 *
 * <p>Invariants: {@code nodes[i].heapIndex == i} for {@code i < size}; no node comes after a child of its
 * heap position in eviction order. Allocates only when it grows.
 */
final class EvictionHeap {

    private final EvictionOrder order;
    private RadixNode[] nodes = new RadixNode[16];
    private int size;

    EvictionHeap(EvictionOrder order) {
        this.order = order;
    }

    int size() {
        return size;
    }

    /** The leaf to evict first; the heap must not be empty. */
    RadixNode peek() {
        assert size > 0;
        return nodes[0];
    }

    void add(RadixNode node) {
        assert node.heapIndex < 0 : node + " is in the heap already";
        if (size == nodes.length) {
            nodes = Arrays.copyOf(nodes, 2 * size);
        }
        nodes[size] = node;
        node.heapIndex = size;
        size++;
        siftUp(node.heapIndex);
    }

    void remove(RadixNode node) {
        int i = node.heapIndex;
        assert i >= 0 && i < size && nodes[i] == node : node + " is not in the heap";
        node.heapIndex = -1;
        size--;
        if (i == size) {
            nodes[size] = null;
            return;
        }
        RadixNode last = nodes[size];
        nodes[size] = null;
        nodes[i] = last;
        last.heapIndex = i;
        siftDown(i);
        siftUp(last.heapIndex);
    }

    /** Restores the order after the node's priority changed. */
    void update(RadixNode node) {
        assert node.heapIndex >= 0;
        siftDown(node.heapIndex);
        siftUp(node.heapIndex);
    }

    /** Throws {@link AssertionError} where the invariants do not hold (for tests). */
    void checkInvariants() {
        for (int i = 0; i < size; i++) {
            if (nodes[i].heapIndex != i) {
                throw new AssertionError(nodes[i] + " at " + i + " records heap index " + nodes[i].heapIndex);
            }
            if (i > 0 && order.before(nodes[i], nodes[(i - 1) / 2])) {
                throw new AssertionError(nodes[i] + " at " + i + " comes before its heap parent");
            }
        }
    }

    boolean contains(RadixNode node) {
        return node.heapIndex >= 0 && node.heapIndex < size && nodes[node.heapIndex] == node;
    }

    private void siftUp(int i) {
        RadixNode node = nodes[i];
        while (i > 0) {
            int parent = (i - 1) / 2;
            if (!order.before(node, nodes[parent])) {
                break;
            }
            place(nodes[parent], i);
            i = parent;
        }
        place(node, i);
    }

    private void siftDown(int i) {
        RadixNode node = nodes[i];
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && order.before(nodes[child + 1], nodes[child])) {
                child++;
            }
            if (!order.before(nodes[child], node)) {
                break;
            }
            place(nodes[child], i);
            i = child;
        }
        place(node, i);
    }

    private void place(RadixNode node, int i) {
        nodes[i] = node;
        node.heapIndex = i;
    }
}
