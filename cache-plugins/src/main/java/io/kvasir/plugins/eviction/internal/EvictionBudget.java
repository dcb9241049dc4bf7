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
 *   <li>{@code 0 < budgetFraction <= 1}, held exactly as parts per million</li>
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

    private final int budgetTokens;
    private final double budgetFraction;
    private final long budgetPpm;
    private final int evictChunk;

    /**
     * @param budgetTokens slots to keep; 0 uses {@code budgetFraction}
     * @param budgetFraction share of the sequence's length to keep, in (0, 1], at least one part per million
     * @param evictChunk slots the cache may exceed the budget by before eviction runs
     */
    public EvictionBudget(int budgetTokens, double budgetFraction, int evictChunk) {
        if (budgetTokens < 0) {
            throw new IllegalArgumentException("budgetTokens must be >= 0, got " + budgetTokens);
        }
        String fractionProblem = fractionProblem(budgetFraction);
        if (fractionProblem != null) {
            throw new IllegalArgumentException("budgetFraction " + fractionProblem);
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
                ConfigField.decimal(BUDGET_FRACTION, DEFAULT_BUDGET_FRACTION, 0.0, 1.0, "fraction",
                        "Share of the sequence's length kept when budget_tokens is 0; greater than 0, 1 keeps everything."),
                ConfigField.integer(EVICT_CHUNK, DEFAULT_EVICT_CHUNK, 0, 1 << 20, "tokens",
                        "Slots the cache may grow past the budget before eviction cuts it back, so compaction runs once per chunk."));
    }

    /** Adds what is wrong with the budget fields of a schema-validated configuration to {@code problems}. */
    public static void checkConfig(PluginConfig config, List<String> problems) {
        String fractionProblem = fractionProblem(config.getDouble(BUDGET_FRACTION));
        if (fractionProblem != null) {
            problems.add(BUDGET_FRACTION + ": " + fractionProblem);
        }
    }

    /** The budget of a configuration that passed {@link #checkConfig}. */
    public static EvictionBudget fromConfig(PluginConfig config) {
        return new EvictionBudget(config.getInt(BUDGET_TOKENS), config.getDouble(BUDGET_FRACTION),
                config.getInt(EVICT_CHUNK));
    }

    private static String fractionProblem(double fraction) {
        if (!(fraction > 0.0 && fraction <= 1.0)) {
            return "must be in (0, 1], got " + fraction;
        }
        if (Math.round(fraction * PARTS_PER_MILLION) == 0) {
            return "must be at least 0.000001, got " + fraction;
        }
        return null;
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
