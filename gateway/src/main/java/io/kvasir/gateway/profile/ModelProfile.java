package io.kvasir.gateway.profile;

import io.kvasir.engine.loop.CacheProfile;
import io.kvasir.engine.loop.EngineConfig;
import io.kvasir.engine.loop.LiveConfig;
import io.kvasir.engine.loop.StrategyChoice;
import org.jspecify.annotations.Nullable;

/**
 * Everything that decides how one model is served: the file, the backend, a plugin with its configuration for
 * every kind, the KV memory and the batching limits. A plain value: {@link ProfileValidator} checks it against
 * the model directories and the installed plugins, {@link ProfileDiff} says what changing it costs, and
 * {@link io.kvasir.gateway.engine.ModelDeployment#apply} puts it in effect.
 *
 * <p>Missing parts read as their defaults: a null backend is {@code cpu}, a null plugin choice the default of
 * its kind ({@link CacheProfile#defaults()}). Nothing else is checked here, so that a validator can report every
 * problem at once.
 *
 * @param modelFile the GGUF file, relative to a model directory or absolute inside one
 * @param backend where the model runs; {@code cpu} is the one backend so far
 * @param plugins the strategy per kind, each with its raw configuration
 * @param kvCacheBytes memory for the KV cache; the number of blocks follows from the codec's bytes per block
 * @param blockSize tokens per KV block
 * @param maxBatchTokens the token budget of one engine step
 * @param maxRunningRequests the most requests running at once
 * @param maxWaitingRequests the most requests queued in the engine before it refuses more
 * @param threads worker threads for forward passes; 0: all available cores
 * @param contextLength tokens a request may span, prompt plus output; 0: the model's own context length
 */
public record ModelProfile(String modelFile, String backend, CacheProfile plugins, long kvCacheBytes, int blockSize,
        int maxBatchTokens, int maxRunningRequests, int maxWaitingRequests, int threads, int contextLength) {

    /** The backend running models on this machine's CPU cores. */
    public static final String CPU = "cpu";

    public ModelProfile {
        backend = backend == null ? CPU : backend;
        plugins = withDefaults(plugins);
    }

    private static CacheProfile withDefaults(@Nullable CacheProfile plugins) {
        CacheProfile defaults = CacheProfile.defaults();
        if (plugins == null) {
            return defaults;
        }
        CacheProfile filled = plugins;
        for (PluginSlot slot : PluginSlot.values()) {
            if (slot.choice(filled) == null) {
                filled = slot.with(filled, slot.choice(defaults));
            }
        }
        return filled;
    }

    /** A profile for a file with every other setting at its default. */
    public static Builder builder(String modelFile) {
        return new Builder(modelFile);
    }

    /** A builder starting from this profile, for edits. */
    public Builder toBuilder() {
        return new Builder(modelFile).backend(backend).plugins(plugins).kvCacheBytes(kvCacheBytes).blockSize(blockSize)
                .maxBatchTokens(maxBatchTokens).maxRunningRequests(maxRunningRequests)
                .maxWaitingRequests(maxWaitingRequests).threads(threads).contextLength(contextLength);
    }

    /**
     * The engine configuration of an instance serving this profile.
     *
     * @param modelContextLength the model's own context length, which {@link #contextLength()} may only lower
     */
    public EngineConfig toEngineConfig(int modelContextLength) {
        int numThreads = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        int context = contextLength > 0 ? Math.min(contextLength, modelContextLength) : modelContextLength;
        return EngineConfig.defaults().withNumThreads(numThreads).withBlockSize(blockSize).withKvCacheBytes(kvCacheBytes)
                .withMaxBatchTokens(maxBatchTokens).withMaxRunningRequests(maxRunningRequests)
                .withMaxWaitingRequests(maxWaitingRequests).withMaxContextTokens(context).withCacheProfile(plugins);
    }

    /** The part an engine instance changes between steps ({@link io.kvasir.engine.loop.Engine#reconfigure}). */
    public LiveConfig liveConfig() {
        return new LiveConfig(plugins.scheduling(), plugins.eviction(), plugins.preemption(), maxBatchTokens,
                maxRunningRequests, maxWaitingRequests);
    }

    /** Builds profiles; starts from the defaults (256 MiB of KV, 16-token blocks, 256-token steps, 32 running, 256 waiting). */
    public static final class Builder {
        private String modelFile;
        private String backend = CPU;
        private CacheProfile plugins = CacheProfile.defaults();
        private long kvCacheBytes = 256L << 20;
        private int blockSize = 16;
        private int maxBatchTokens = EngineConfig.DEFAULT_MAX_BATCH_TOKENS;
        private int maxRunningRequests = 32;
        private int maxWaitingRequests = 256;
        private int threads;
        private int contextLength;

        private Builder(String modelFile) {
            this.modelFile = modelFile;
        }

        public Builder modelFile(String modelFile) {
            this.modelFile = modelFile;
            return this;
        }

        public Builder backend(String backend) {
            this.backend = backend;
            return this;
        }

        public Builder plugins(CacheProfile plugins) {
            this.plugins = plugins;
            return this;
        }

        /** Sets the plugin of one kind. */
        public Builder plugin(PluginSlot slot, StrategyChoice choice) {
            this.plugins = slot.with(plugins, choice);
            return this;
        }

        public Builder kvCacheBytes(long bytes) {
            this.kvCacheBytes = bytes;
            return this;
        }

        public Builder blockSize(int tokens) {
            this.blockSize = tokens;
            return this;
        }

        public Builder maxBatchTokens(int tokens) {
            this.maxBatchTokens = tokens;
            return this;
        }

        public Builder maxRunningRequests(int n) {
            this.maxRunningRequests = n;
            return this;
        }

        public Builder maxWaitingRequests(int n) {
            this.maxWaitingRequests = n;
            return this;
        }

        public Builder threads(int n) {
            this.threads = n;
            return this;
        }

        public Builder contextLength(int tokens) {
            this.contextLength = tokens;
            return this;
        }

        public ModelProfile build() {
            return new ModelProfile(modelFile, backend, plugins, kvCacheBytes, blockSize, maxBatchTokens,
                    maxRunningRequests, maxWaitingRequests, threads, contextLength);
        }
    }
}
