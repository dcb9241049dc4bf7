package io.kvasir.api.plugin;

import java.lang.foreign.MemorySegment;

/**
 * A place blocks go when they leave the KV pool: swapped-out blocks of preempted requests, and cached
 * prefix blocks that would otherwise be dropped. Keys are chosen by the engine. Thread-safe.
 */
public interface OffloadTier extends AutoCloseable {

    /**
     * Stores a copy of {@code data}. Returns false (storing nothing) when the tier's byte budget cannot take
     * it even after dropping what it may drop.
     */
    boolean put(long key, MemorySegment data);

    /** Copies the stored bytes into {@code dst} and returns true, or returns false when the key is absent. */
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
