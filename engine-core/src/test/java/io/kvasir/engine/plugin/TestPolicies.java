package io.kvasir.engine.plugin;

import java.util.List;

import io.kvasir.api.plugin.ConfigField;
import io.kvasir.api.plugin.ConfigSchema;
import io.kvasir.api.plugin.PluginConfig;
import io.kvasir.api.plugin.SchedulingPolicy;
import io.kvasir.api.plugin.SchedulingPolicyProvider;

/** Providers registered in the test class path's META-INF/services to exercise the registry. */
final class TestPolicies {

    private TestPolicies() {
    }

    /** A working provider with a typed field. */
    public static final class Newest implements SchedulingPolicyProvider {
        @Override
        public String name() {
            return "test-newest";
        }

        @Override
        public String description() {
            return "Admits the newest waiting request first (test only).";
        }

        @Override
        public ConfigSchema configSchema() {
            return ConfigSchema.of(ConfigField.integer("depth", 1, 1, 8, "requests", "How far from the end to pick."));
        }

        @Override
        public SchedulingPolicy create(PluginConfig config) {
            int depth = config.getInt("depth");
            return new SchedulingPolicy() {
                @Override
                public int pickNext(List<? extends Candidate> waiting, long nowNanos) {
                    return Math.max(0, waiting.size() - depth);
                }
            };
        }
    }

    /** An eviction policy that throws on every call: the engine must go on without evicting. */
    public static final class ThrowingEviction implements io.kvasir.api.plugin.EvictionPolicyProvider {
        @Override
        public String name() {
            return "test-throwing";
        }

        @Override
        public String description() {
            return "Throws from select (test only).";
        }

        @Override
        public ConfigSchema configSchema() {
            return ConfigSchema.empty();
        }

        @Override
        public io.kvasir.api.plugin.EvictionPolicy create(PluginConfig config) {
            return new io.kvasir.api.plugin.EvictionPolicy() {
                @Override
                public AttentionStats attentionStats() {
                    return AttentionStats.NONE;
                }

                @Override
                public int select(int numSlots, int[] slotPositions, float[] slotScores, boolean endOfPrefill, int[] keep) {
                    throw new IllegalStateException("policy bug");
                }
            };
        }
    }

    /** A provider whose constructor throws: must be reported and disabled, not break the others. */
    public static final class Broken implements SchedulingPolicyProvider {
        public Broken() {
            throw new IllegalStateException("this provider cannot start");
        }

        @Override
        public String name() {
            return "test-broken";
        }

        @Override
        public String description() {
            return "";
        }

        @Override
        public ConfigSchema configSchema() {
            return ConfigSchema.empty();
        }

        @Override
        public SchedulingPolicy create(PluginConfig config) {
            throw new UnsupportedOperationException();
        }
    }
}
