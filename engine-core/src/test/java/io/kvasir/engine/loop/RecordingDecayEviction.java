package io.kvasir.engine.loop;

import io.kvasir.api.plugin.ConfigField;
import io.kvasir.api.plugin.ConfigSchema;
import io.kvasir.api.plugin.EvictionPolicy;
import io.kvasir.api.plugin.EvictionPolicyProvider;
import io.kvasir.api.plugin.PluginConfig;
import java.util.List;

/**
 * {@code test-decaying} (test only, registered in the test class path's META-INF/services): asks for accumulated
 * attention with the configured decay, never evicts, and records the total of the scores it was last shown.
 */
public final class RecordingDecayEviction implements EvictionPolicyProvider {

    static volatile double lastTotal;

    @Override
    public String name() {
        return "test-decaying";
    }

    @Override
    public String description() {
        return "Records the accumulated attention it is shown (test only).";
    }

    @Override
    public ConfigSchema configSchema() {
        return new ConfigSchema(List.of(ConfigField.decimal("decay", 1.0, -1.0, 2.0, "factor per token",
                "Attention decay; the range is wider than the SPI allows, so that tests reach the engine's own check.")));
    }

    @Override
    public EvictionPolicy create(PluginConfig config) {
        double decay = config.getDouble("decay");
        return new EvictionPolicy() {
            @Override
            public AttentionStats attentionStats() {
                return AttentionStats.ACCUMULATED;
            }

            @Override
            public double attentionDecay() {
                return decay;
            }

            @Override
            public int select(int numSlots, int[] slotPositions, float[] slotScores, boolean endOfPrefill, int[] keep) {
                double total = 0;
                for (int i = 0; i < numSlots; i++) {
                    total += slotScores[i];
                    keep[i] = i;
                }
                lastTotal = total;
                return numSlots;
            }
        };
    }
}
