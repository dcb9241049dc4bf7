package io.kvasir.engine.loop;

/**
 * The attention statistics rows a step collected ({@link io.kvasir.engine.model.LlamaModel#addAttentionStats}), as
 * the eviction statistics read them after the step.
 */
@FunctionalInterface
interface AttentionRows {

    /** Adds to {@code into} the attention slots {@code [0, numSlots)} received from statistics row {@code row}. */
    void addTo(int row, int numSlots, float[] into);
}
