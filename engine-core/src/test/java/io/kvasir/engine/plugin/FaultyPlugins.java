package io.kvasir.engine.plugin;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import io.kvasir.api.plugin.ConfigField;
import io.kvasir.api.plugin.ConfigSchema;
import io.kvasir.api.plugin.KvBlockLayout;
import io.kvasir.api.plugin.KvCodec;
import io.kvasir.api.plugin.KvCodecProvider;
import io.kvasir.api.plugin.OffloadTier;
import io.kvasir.api.plugin.OffloadTierProvider;
import io.kvasir.api.plugin.PluginConfig;
import io.kvasir.api.plugin.PluginKind;
import io.kvasir.api.plugin.PreemptionPolicy;
import io.kvasir.api.plugin.PreemptionPolicyProvider;
import io.kvasir.api.plugin.PrefixCacheStats;
import io.kvasir.api.plugin.PrefixIndex;
import io.kvasir.api.plugin.PrefixIndexProvider;
import io.kvasir.api.plugin.SchedulingPolicy;
import io.kvasir.api.plugin.SchedulingPolicyProvider;

/**
 * Plugins that misbehave on purpose (registered in the test class path's META-INF/services): they throw,
 * block until interrupted, or spin ignoring interrupts, on a chosen call after a number of good ones.
 * Otherwise they behave like a real strategy (FCFS, the {@code hash} index, the {@code f32} codec, the
 * {@code host} tier), so requests still get exact tokens.
 */
public final class FaultyPlugins {

    /** Spinning plugins spin until this is set (tests set it when done, so no thread keeps spinning). */
    public static volatile boolean spinReleased;

    /** Writes the {@code test-faulty-codec} fails before it writes normally again. */
    public static final AtomicInteger CODEC_WRITES_TO_FAIL = new AtomicInteger();

    private static final List<String> MODES = List.of("throw", "block", "spin");

    private FaultyPlugins() {
    }

    private static ConfigField modeField() {
        return ConfigField.choice("mode", "throw", MODES, "throw; block until interrupted; or spin ignoring interrupts.");
    }

    private static ConfigField afterField() {
        return ConfigField.integer("after", 0, 0, 1000, "calls", "Good calls before the faulty one.");
    }

    /** Misbehaves as {@code mode} says. */
    static void misbehave(String mode) {
        switch (mode) {
            case "throw" -> throw new IllegalStateException("faulty plugin: deliberate failure");
            case "block" -> {
                try {
                    new CountDownLatch(1).await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("faulty plugin: interrupted while blocked", e);
                }
            }
            case "spin" -> {
                while (!spinReleased) {
                    // Swallows interrupts, as a plugin stuck in a loop would.
                    Thread.interrupted();
                    LockSupport.parkNanos(1_000_000);
                }
            }
            default -> throw new IllegalArgumentException(mode);
        }
    }

    /** Counts calls; the one after {@code after} good ones, and all later ones, misbehave. */
    private record Fault(String mode, int after, AtomicInteger calls) {
        static Fault of(PluginConfig config) {
            return new Fault(config.getString("mode"), config.getInt("after"), new AtomicInteger());
        }

        void maybeMisbehave() {
            if (calls.getAndIncrement() >= after) {
                misbehave(mode);
            }
        }
    }

    private static <T> T real(PluginKind kind, String name, Map<String, ?> config, Class<T> type) {
        return PluginRegistry.load().create(kind, name, config, type);
    }

    /** FCFS whose {@code pickNext} misbehaves. */
    public static final class Scheduling implements SchedulingPolicyProvider {
        @Override
        public String name() {
            return "test-faulty-scheduling";
        }

        @Override
        public String description() {
            return "FCFS whose pickNext misbehaves (test only).";
        }

        @Override
        public ConfigSchema configSchema() {
            return ConfigSchema.of(modeField(), afterField());
        }

        @Override
        public SchedulingPolicy create(PluginConfig config) {
            Fault fault = Fault.of(config);
            return (waiting, nowNanos) -> {
                fault.maybeMisbehave();
                return 0;
            };
        }
    }

    /** The {@code hash} index with one method that misbehaves. */
    public static final class Prefix implements PrefixIndexProvider {
        @Override
        public String name() {
            return "test-faulty-prefix";
        }

        @Override
        public String description() {
            return "The hash index with one misbehaving method (test only).";
        }

        @Override
        public ConfigSchema configSchema() {
            return ConfigSchema.of(modeField(), afterField(),
                    ConfigField.choice("call", "insert", List.of("match", "insert", "evict"), "Which method misbehaves."));
        }

        @Override
        public PrefixIndex create(PluginConfig config) {
            PrefixIndex index = real(PluginKind.PREFIX_INDEX, "hash", Map.of(), PrefixIndex.class);
            Fault fault = Fault.of(config);
            String call = config.getString("call");
            return new PrefixIndex() {
                @Override
                public int match(int[] tokens, int numTokens, int blockSize, long salt, int[] blockIds) {
                    if (call.equals("match")) {
                        fault.maybeMisbehave();
                    }
                    return index.match(tokens, numTokens, blockSize, salt, blockIds);
                }

                @Override
                public void insert(int[] tokens, int numBlocks, int blockSize, long salt, int[] blockIds) {
                    if (call.equals("insert")) {
                        fault.maybeMisbehave();
                    }
                    index.insert(tokens, numBlocks, blockSize, salt, blockIds);
                }

                @Override
                public void onReferenced(int blockId) {
                    index.onReferenced(blockId);
                }

                @Override
                public boolean onUnreferenced(int blockId) {
                    return index.onUnreferenced(blockId);
                }

                @Override
                public int evict(int numBlocks, int[] evicted) {
                    if (call.equals("evict")) {
                        fault.maybeMisbehave();
                    }
                    return index.evict(numBlocks, evicted);
                }

                @Override
                public int numEvictableBlocks() {
                    return index.numEvictableBlocks();
                }

                @Override
                public PrefixCacheStats stats() {
                    return index.stats();
                }
            };
        }
    }

    /** The {@code f32} codec whose writes fail while {@link #CODEC_WRITES_TO_FAIL} counts down. */
    public static final class Codec implements KvCodecProvider {
        @Override
        public String name() {
            return "test-faulty-codec";
        }

        @Override
        public String description() {
            return "f32 whose writes throw while armed (test only).";
        }

        @Override
        public ConfigSchema configSchema() {
            return ConfigSchema.empty();
        }

        @Override
        public KvCodec create(PluginConfig config) {
            KvCodec f32 = real(PluginKind.KV_CODEC, "f32", Map.of(), KvCodec.class);
            return new KvCodec() {
                @Override
                public String name() {
                    return "test-faulty-codec";
                }

                @Override
                public KvBlockLayout layout(int blockSize, int headDim) {
                    return new FaultyLayout(f32.layout(blockSize, headDim));
                }
            };
        }
    }

    /** Delegates to a real layout; {@code write} throws while armed. */
    private static final class FaultyLayout implements KvBlockLayout {
        private final KvBlockLayout layout;

        FaultyLayout(KvBlockLayout layout) {
            this.layout = layout;
        }

        @Override
        public long bytesPerHeadBlock() {
            return layout.bytesPerHeadBlock();
        }

        @Override
        public long stagingBytesPerHeadBlock() {
            return layout.stagingBytesPerHeadBlock();
        }

        @Override
        public void write(MemorySegment region, MemorySegment staging, int slot, float[] k, int kOffset, float[] v,
                int vOffset) {
            if (CODEC_WRITES_TO_FAIL.get() > 0 && CODEC_WRITES_TO_FAIL.getAndDecrement() > 0) {
                throw new IllegalStateException("faulty codec: deliberate write failure");
            }
            layout.write(region, staging, slot, k, kOffset, v, vOffset);
        }

        @Override
        public void keyScores(MemorySegment region, MemorySegment staging, int numSlots, float[] q, int qOffset,
                float scale, float[] scores, int scoresOffset) {
            layout.keyScores(region, staging, numSlots, q, qOffset, scale, scores, scoresOffset);
        }

        @Override
        public void accumulateValues(MemorySegment region, int numSlots, float[] weights, int weightsOffset, float[] out,
                int outOffset) {
            layout.accumulateValues(region, numSlots, weights, weightsOffset, out, outOffset);
        }

        @Override
        public void read(MemorySegment region, MemorySegment staging, int slot, float[] k, int kOffset, float[] v,
                int vOffset) {
            layout.read(region, staging, slot, k, kOffset, v, vOffset);
        }
    }

    /** A preemption policy that chooses SWAP after {@code after} good calls, then misbehaves. */
    public static final class Preemption implements PreemptionPolicyProvider {
        @Override
        public String name() {
            return "test-faulty-preemption";
        }

        @Override
        public String description() {
            return "Swaps, and misbehaves after some calls (test only).";
        }

        @Override
        public ConfigSchema configSchema() {
            return ConfigSchema.of(modeField(), afterField());
        }

        @Override
        public PreemptionPolicy create(PluginConfig config) {
            Fault fault = Fault.of(config);
            return (numBlocks, bytesPerBlock, numComputedTokens) -> {
                fault.maybeMisbehave();
                return PreemptionPolicy.Mode.SWAP;
            };
        }
    }

    /** The {@code host} tier whose {@code put} and {@code get} misbehave after some good calls. */
    public static final class Tier implements OffloadTierProvider {
        @Override
        public String name() {
            return "test-faulty-tier";
        }

        @Override
        public String description() {
            return "The host tier whose put and get misbehave (test only).";
        }

        @Override
        public ConfigSchema configSchema() {
            return ConfigSchema.of(modeField(), afterField());
        }

        @Override
        public OffloadTier create(PluginConfig config) {
            OffloadTier tier = real(PluginKind.OFFLOAD_TIER, "host", Map.of("capacity_bytes", 64L << 20), OffloadTier.class);
            Fault fault = Fault.of(config);
            return new OffloadTier() {
                @Override
                public boolean put(long key, MemorySegment data) {
                    fault.maybeMisbehave();
                    return tier.put(key, data);
                }

                @Override
                public boolean get(long key, MemorySegment dst) {
                    fault.maybeMisbehave();
                    return tier.get(key, dst);
                }

                @Override
                public void remove(long key) {
                    tier.remove(key);
                }

                @Override
                public long usedBytes() {
                    return tier.usedBytes();
                }

                @Override
                public long capacityBytes() {
                    return tier.capacityBytes();
                }

                @Override
                public void close() {
                    tier.close();
                }
            };
        }
    }
}
