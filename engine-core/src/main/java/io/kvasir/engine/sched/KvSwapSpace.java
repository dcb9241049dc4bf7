package io.kvasir.engine.sched;

import io.kvasir.engine.kv.BlockTable;

/**
 * Where a preempted request's KV blocks go instead of being dropped: the engine copies them to an offload
 * tier and back. Implemented by the engine, which owns the KV bytes.
 */
public interface KvSwapSpace {

    /** Copies the blocks of {@code table} out; false (nothing kept) when the tier cannot take them. */
    boolean swapOut(Request request, BlockTable table);

    /** Copies the request's blocks back into the (freshly allocated) blocks of {@code table}; false when lost. */
    boolean swapIn(Request request, BlockTable table);

    /** Forgets a request's swapped blocks (it finished, was cancelled, or came back). */
    void discard(Request request);
}
