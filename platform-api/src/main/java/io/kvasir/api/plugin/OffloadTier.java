package io.kvasir.api.plugin;

import java.lang.foreign.MemorySegment;

/**
 * A place blocks go when they leave the KV pool: swapped-out blocks of preempted requests, and cached
 * prefix blocks that would otherwise be dropped. Keys are chosen by the engine. Thread-safe.
 *
 * <p>Two classes of entry: what {@link #put} stores stays until {@link #remove} (a swapped-out block must
 * come back exactly), while what {@link #putEvictable} stores may be dropped, least recently used first, to
 * make room for later puts of either class.
 */
public interface OffloadTier extends AutoCloseable {

    /**
     * Stores a copy of {@code data} that stays until {@link #remove}. Returns false (storing nothing) when
     * the tier's byte budget cannot take it even after dropping what it may drop. A key already present is
     * replaced once the new copy is stored.
     */
    boolean put(long key, MemorySegment data);

    /**
     * Stores a copy of {@code data} that the tier may drop later to make room (a cached prefix block spilled
     * from the pool); {@link #get} then returns false. Returns false when it cannot take it. Tiers that never
     * drop anything refuse every such put, so spilled prefixes never crowd out swapped blocks.
     */
    default boolean putEvictable(long key, MemorySegment data) {
        return false;
    }

    /**
     * Copies the stored bytes into {@code dst} and returns true, or returns false when the key is absent:
     * never stored, removed, dropped, or its copy failed verification (then the key is forgotten and
     * {@code dst}'s contents are unspecified).
     *
     * @throws IllegalArgumentException when {@code dst} is read-only or its size differs from the stored bytes
     */
    boolean get(long key, MemorySegment dst);

    /** Forgets a key (no-op if absent). */
    void remove(long key);

    /** Bytes held. */
    long usedBytes();

    /** The byte budget. */
    long capacityBytes();

    @Override
    void close();
}
