package io.kvasir.engine.kv;

import java.util.Arrays;
import java.util.Objects;

/**
 * Block copies the backend must perform before the next forward pass, in list order: each copies the
 * whole of block {@code src(i)} into block {@code dst(i)}. Copy-on-write adds them; the engine loop reads
 * them each step and then {@link #clear() clears} the list.
 *
 * <p>Order matters: a block may be the destination of one copy and, after a fork in the same step, the
 * source of a later one.
 *
 * <p>Backed by two int arrays sized for the usual worst case up front; not thread-safe.
 */
public final class BlockCopies {

    private int[] srcBlockIds;
    private int[] dstBlockIds;
    private int size;

    /** @param initialCapacity copies held before the arrays grow, at least 1 */
    public BlockCopies(int initialCapacity) {
        if (initialCapacity < 1) {
            throw new IllegalArgumentException("initialCapacity must be at least 1: " + initialCapacity);
        }
        srcBlockIds = new int[initialCapacity];
        dstBlockIds = new int[initialCapacity];
    }

    /** The number of pending copies. */
    public int size() {
        return size;
    }

    /** Whether no copy is pending. */
    public boolean isEmpty() {
        return size == 0;
    }

    /** The source block of copy {@code i}. */
    public int src(int i) {
        return srcBlockIds[Objects.checkIndex(i, size)];
    }

    /** The destination block of copy {@code i}. */
    public int dst(int i) {
        return dstBlockIds[Objects.checkIndex(i, size)];
    }

    /** Forgets all copies, once the backend has performed them. */
    public void clear() {
        size = 0;
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("BlockCopies[");
        for (int i = 0; i < size; i++) {
            text.append(i == 0 ? "" : ", ").append(srcBlockIds[i]).append("->").append(dstBlockIds[i]);
        }
        return text.append(']').toString();
    }

    void add(int srcBlockId, int dstBlockId) {
        if (size == srcBlockIds.length) {
            // Only when blocks are freed and reused as copy targets within one step.
            srcBlockIds = Arrays.copyOf(srcBlockIds, size * 2);
            dstBlockIds = Arrays.copyOf(dstBlockIds, size * 2);
        }
        srcBlockIds[size] = srcBlockId;
        dstBlockIds[size] = dstBlockId;
        size++;
    }
}
