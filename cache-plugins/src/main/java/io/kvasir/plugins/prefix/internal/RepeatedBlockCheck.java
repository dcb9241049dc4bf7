package io.kvasir.plugins.prefix.internal;

import java.util.Arrays;

/**
 * Finds a block id passed twice in one call without clearing a set per call: each call stamps the ids it
 * sees with a fresh epoch. Allocates only when a larger block id than any before shows up.
 */
public final class RepeatedBlockCheck {

    private int[] stamps = new int[64];
    private int epoch;

    /** Starts a new call. */
    public void begin() {
        if (++epoch == 0) {
            Arrays.fill(stamps, 0);
            epoch = 1;
        }
    }

    /**
     * Records {@code blockId} in the current call.
     *
     * @throws IllegalArgumentException if it was recorded already in this call
     */
    public void add(int blockId) {
        if (blockId >= stamps.length) {
            stamps = Arrays.copyOf(stamps, Math.max(2 * stamps.length, blockId + 1));
        }
        if (stamps[blockId] == epoch) {
            throw new IllegalArgumentException("block " + blockId + " appears twice in blockIds");
        }
        stamps[blockId] = epoch;
    }
}
