package io.kvasir.plugins.eviction.internal;

import io.kvasir.api.plugin.EvictionPolicy;

/** Keeps every slot: the baseline the other policies are measured against. */
public final class NoEviction implements EvictionPolicy {

    @Override
    public AttentionStats attentionStats() {
        return AttentionStats.NONE;
    }

    @Override
    public int select(int numSlots, int[] slotPositions, float[] slotScores, boolean endOfPrefill, int[] keep) {
        if (numSlots < 0) {
            throw new IllegalArgumentException("numSlots must be >= 0, got " + numSlots);
        }
        if (keep.length < numSlots) {
            throw new IllegalArgumentException("keep holds " + keep.length + " of " + numSlots + " slots");
        }
        return SlotRanges.append(keep, 0, 0, numSlots);
    }

    @Override
    public String toString() {
        return "NoEviction";
    }
}
