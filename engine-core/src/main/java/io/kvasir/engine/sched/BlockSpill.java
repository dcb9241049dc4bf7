package io.kvasir.engine.sched;

/**
 * Where the prefix cache sends blocks it gives up instead of dropping their contents: an offload tier, from
 * which a later request with the same prefix brings them back. Implemented by the engine, which owns the bytes.
 */
public interface BlockSpill {

    /** Copies a block's KV out under {@code key}; false when the tier cannot take it. */
    boolean spill(long key, int blockId);

    /** Copies the KV stored under {@code key} into {@code blockId}; false when the tier no longer has it. */
    boolean restore(long key, int blockId);
}
