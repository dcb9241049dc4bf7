package io.kvasir.engine.loop;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.kvasir.api.plugin.ConfigField;
import io.kvasir.api.plugin.ConfigSchema;
import io.kvasir.api.plugin.EvictionPolicy;
import io.kvasir.api.plugin.EvictionPolicy.AttentionStats;
import io.kvasir.api.plugin.EvictionPolicyProvider;
import io.kvasir.api.plugin.PluginConfig;

/**
 * {@code test-window} (test only, registered in the test class path's META-INF/services): asks for the attention of
 * the last {@code window} queries, the recent window's or the prompt's ({@code statistic}), and records the scores
 * of every call. It keeps everything, except that at the end of prefill it drops {@code drop_count} slots from
 * slot {@code drop_from} on, so that the statistic must follow a compaction.
 */
public final class RecordingWindowEviction implements EvictionPolicyProvider {

    /** One call of {@code select}: the slots' scores, and whether the step completed the prompt. */
    record Call(float[] scores, boolean endOfPrefill) {
    }

    static final List<Call> calls = new ArrayList<>();

    static synchronized void reset() {
        calls.clear();
    }

    static synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    @Override
    public String name() {
        return "test-window";
    }

    @Override
    public String description() {
        return "Records the window attention it is shown (test only).";
    }

    @Override
    public ConfigSchema configSchema() {
        return new ConfigSchema(List.of(
                ConfigField.integer("window", 8, 0, 4096, "tokens", "Queries observed."),
                ConfigField.choice("statistic", "recent", List.of("recent", "prompt"),
                        "RECENT_WINDOW or OBSERVATION_WINDOW."),
                ConfigField.integer("drop_from", 0, 0, 4096, "slots", "First slot dropped at the end of prefill."),
                ConfigField.integer("drop_count", 0, 0, 4096, "slots", "Slots dropped at the end of prefill.")));
    }

    @Override
    public EvictionPolicy create(PluginConfig config) {
        int window = config.getInt("window");
        AttentionStats statistic = config.getString("statistic").equals("recent")
                ? AttentionStats.RECENT_WINDOW : AttentionStats.OBSERVATION_WINDOW;
        int dropFrom = config.getInt("drop_from");
        int dropCount = config.getInt("drop_count");
        return new EvictionPolicy() {
            @Override
            public AttentionStats attentionStats() {
                return statistic;
            }

            @Override
            public int observationWindow() {
                return window;
            }

            @Override
            public int select(int numSlots, int[] slotPositions, float[] slotScores, boolean endOfPrefill, int[] keep) {
                synchronized (RecordingWindowEviction.class) {
                    calls.add(new Call(Arrays.copyOf(slotScores, numSlots), endOfPrefill));
                }
                int n = 0;
                for (int slot = 0; slot < numSlots; slot++) {
                    if (!endOfPrefill || slot < dropFrom || slot >= dropFrom + dropCount) {
                        keep[n++] = slot;
                    }
                }
                return n;
            }
        };
    }
}
