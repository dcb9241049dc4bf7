package io.kvasir.plugins.eviction.internal;

import java.util.List;

import io.kvasir.api.plugin.ConfigField;
import io.kvasir.api.plugin.PluginConfig;

/**
 * How many slots a sequence may keep, and when eviction is due: a fixed number of tokens, or a fraction of
 * the sequence's length (the position after its last slot, evicted positions included), so that the
 * compression ratio stays fixed as the sequence grows. Eviction waits until the cache exceeds the budget by
 * more than {@code evictChunk} slots and then cuts it back to the budget, so the engine compacts once per
 * chunk rather than once per token.
 *
 * <p>Invariants:
 * <ul>
 *   <li>{@code budgetTokens >= 0}; 0 means the fraction applies</li>
 *   <li>{@code 0.000001 <= budgetFraction <= 1}, held exactly as whole parts per million</li>
 *   <li>{@code evictChunk >= 0}</li>
 *   <li>{@link #budget} is at least 1</li>
 * </ul>
 */
public final class EvictionBudget {

    public static final String BUDGET_TOKENS = "budget_tokens";
    public static final String BUDGET_FRACTION = "budget_fraction";
    public static final String EVICT_CHUNK = "evict_chunk";

    public static final double DEFAULT_BUDGET_FRACTION = 0.5;
    public static final int DEFAULT_EVICT_CHUNK = 16;

    private static final long PARTS_PER_MILLION = 1_000_000L;
    /** One part per million, the finest fraction the exact budget arithmetic holds. */
    public static final double MIN_BUDGET_FRACTION = 1.0 / PARTS_PER_MILLION;

    private final int budgetTokens;
    private final double budgetFraction;
    private final long budgetPpm;
    private final int evictChunk;

    /**
     * @param budgetTokens slots to keep; 0 uses {@code budgetFraction}
     * @param budgetFraction share of the sequence's length to keep, in [0.000001, 1]
     * @param evictChunk slots the cache may exceed the budget by before eviction runs
     */
    public EvictionBudget(int budgetTokens, double budgetFraction, int evictChunk) {
        if (budgetTokens < 0) {
            throw new IllegalArgumentException("budgetTokens must be >= 0, got " + budgetTokens);
        }
        if (!(budgetFraction >= MIN_BUDGET_FRACTION && budgetFraction <= 1.0)) {
            throw new IllegalArgumentException("budgetFraction must be in [" + MIN_BUDGET_FRACTION + ", 1], got " + budgetFraction);
        }
        if (evictChunk < 0) {
            throw new IllegalArgumentException("evictChunk must be >= 0, got " + evictChunk);
        }
        this.budgetTokens = budgetTokens;
        this.budgetFraction = budgetFraction;
        // Integer parts per million make the budget exact: 0.3 × 10 is 3, not ceil(3.0000000000000004) = 4.
        this.budgetPpm = Math.round(budgetFraction * PARTS_PER_MILLION);
        this.evictChunk = evictChunk;
    }

    /** The budget fields every policy but {@code none} shares, in display order. */
    public static List<ConfigField> configFields() {
        return List.of(
                ConfigField.integer(BUDGET_TOKENS, 0, 0, Integer.MAX_VALUE, "tokens",
                        "Slots a sequence keeps once eviction runs; 0 keeps budget_fraction of its length instead."),
                ConfigField.decimal(BUDGET_FRACTION, DEFAULT_BUDGET_FRACTION, MIN_BUDGET_FRACTION, 1.0, "fraction",
                        "Share of the sequence's length kept when budget_tokens is 0; 1 keeps everything."),
                ConfigField.integer(EVICT_CHUNK, DEFAULT_EVICT_CHUNK, 0, 1 << 20, "tokens",
                        "Slots the cache may grow past the budget before eviction cuts it back, so compaction runs once per chunk."));
    }

    /** The budget of a configuration validated against {@link #configFields()}. */
    public static EvictionBudget fromConfig(PluginConfig config) {
        return new EvictionBudget(config.getInt(BUDGET_TOKENS), config.getDouble(BUDGET_FRACTION),
                config.getInt(EVICT_CHUNK));
    }

    /** The sequence's length: the position after its last slot, or 0 without slots. */
    public static int sequenceLength(int numSlots, int[] slotPositions) {
        return numSlots == 0 ? 0 : slotPositions[numSlots - 1] + 1;
    }

    /** Slots a sequence of this length may keep: {@code budgetTokens}, or ⌈fraction × length⌉ and at least 1. */
    public int budget(int sequenceLength) {
        if (budgetTokens > 0) {
            return budgetTokens;
        }
        long parts = budgetPpm * sequenceLength;
        return (int) Math.max(1L, (parts + PARTS_PER_MILLION - 1) / PARTS_PER_MILLION);
    }

    /** Whether a cache of {@code numSlots} slots has outgrown {@code budget} by more than one chunk. */
    public boolean isEvictionDue(int numSlots, int budget) {
        return (long) numSlots - budget > evictChunk;
    }

    public int budgetTokens() {
        return budgetTokens;
    }

    public double budgetFraction() {
        return budgetFraction;
    }

    public int evictChunk() {
        return evictChunk;
    }

    @Override
    public String toString() {
        return (budgetTokens > 0 ? budgetTokens + " tokens" : budgetFraction + " of the length") + ", chunk " + evictChunk;
    }
}
