package io.kvasir.springai.autoconfigure;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.util.unit.DataSize;

import io.kvasir.engine.loop.CacheProfile;
import io.kvasir.engine.loop.EngineConfig;
import io.kvasir.engine.loop.StrategyChoice;

/**
 * The in-process engine of embedded mode ({@code spring.ai.kvasir.embedded.*}): the model file, the
 * engine's sizes and its KV-cache profile. The defaults are the engine's own ({@link EngineConfig#defaults()},
 * {@link CacheProfile#defaults()}).
 */
@ConfigurationProperties(KvasirEmbeddedProperties.CONFIG_PREFIX)
public class KvasirEmbeddedProperties {

    public static final String CONFIG_PREFIX = "spring.ai.kvasir.embedded";

    /** The GGUF model file to serve (required in embedded mode). */
    private @Nullable Path model;
    /** Worker threads for the matrix kernels; 0 uses every available core. */
    private int threads = 0;
    /** Memory for the KV cache; the number of blocks follows from the model and the codec. */
    private DataSize kvCacheSize = DataSize.ofMegabytes(256);
    /** Tokens per KV block. */
    private int blockSize = 16;
    /** The token budget of one engine step (prefill chunks plus decode tokens). */
    private int maxBatchTokens = EngineConfig.DEFAULT_MAX_BATCH_TOKENS;
    /** The most requests generating at once. */
    private int maxRunningRequests = 16;
    /** The most requests waiting; beyond it requests are refused (EngineOverloadedException). */
    private int maxWaitingRequests = 1024;
    /** The longest sequence, prompt plus output; 0 takes the model's context length. */
    private int maxContextTokens = 0;
    /** The tenant requests are accounted to; prefix-cache entries are shared within a tenant. */
    private String tenantId = "default";
    /** The KV-cache strategies, one plugin per kind (see ./kvasir plugins for names and config fields). */
    @NestedConfigurationProperty
    private final Profile profile = new Profile();

    /** The engine configuration these properties describe. */
    public EngineConfig toEngineConfig() {
        int numThreads = threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
        CacheProfile cacheProfile = new CacheProfile(profile.codec.toChoice(), profile.prefixIndex.toChoice(),
                profile.eviction.toChoice(), profile.preemption.toChoice(), profile.offloadTier.toChoice(),
                profile.scheduling.toChoice());
        return EngineConfig.defaults().withNumThreads(numThreads).withBlockSize(blockSize)
                .withKvCacheBytes(kvCacheSize.toBytes()).withMaxBatchTokens(maxBatchTokens)
                .withMaxRunningRequests(maxRunningRequests).withMaxWaitingRequests(maxWaitingRequests)
                .withMaxContextTokens(maxContextTokens).withCacheProfile(cacheProfile);
    }

    public @Nullable Path getModel() {
        return model;
    }

    public void setModel(@Nullable Path model) {
        this.model = model;
    }

    public int getThreads() {
        return threads;
    }

    public void setThreads(int threads) {
        this.threads = threads;
    }

    public DataSize getKvCacheSize() {
        return kvCacheSize;
    }

    public void setKvCacheSize(DataSize kvCacheSize) {
        this.kvCacheSize = kvCacheSize;
    }

    public int getBlockSize() {
        return blockSize;
    }

    public void setBlockSize(int blockSize) {
        this.blockSize = blockSize;
    }

    public int getMaxBatchTokens() {
        return maxBatchTokens;
    }

    public void setMaxBatchTokens(int maxBatchTokens) {
        this.maxBatchTokens = maxBatchTokens;
    }

    public int getMaxRunningRequests() {
        return maxRunningRequests;
    }

    public void setMaxRunningRequests(int maxRunningRequests) {
        this.maxRunningRequests = maxRunningRequests;
    }

    public int getMaxWaitingRequests() {
        return maxWaitingRequests;
    }

    public void setMaxWaitingRequests(int maxWaitingRequests) {
        this.maxWaitingRequests = maxWaitingRequests;
    }

    public int getMaxContextTokens() {
        return maxContextTokens;
    }

    public void setMaxContextTokens(int maxContextTokens) {
        this.maxContextTokens = maxContextTokens;
    }

    public String getTenantId() {
        return tenantId;
    }

    public void setTenantId(String tenantId) {
        this.tenantId = tenantId;
    }

    public Profile getProfile() {
        return profile;
    }

    /** One plugin per kind of KV-cache strategy. */
    public static class Profile {

        /** How K and V are stored: f32, f16, int8, fp8-e4m3, int4-kivi. */
        private final Strategy codec = Strategy.named("f32");
        /** How cached prefixes are found: hash, radix, or none (prefix caching off). */
        private final Strategy prefixIndex = Strategy.named("hash");
        /** Which positions of long sequences are dropped: none, streaming, h2o, snapkv (these need prefix-index none). */
        private final Strategy eviction = Strategy.named("none");
        /** What happens when KV blocks run out: recompute or swap. */
        private final Strategy preemption = Strategy.named("recompute");
        /** Where swapped and spilled blocks go: none, host, disk. */
        private final Strategy offloadTier = Strategy.named(StrategyChoice.NONE);
        /** Which waiting request runs next: fcfs, priority, lpm, vtc, vtc-kv. */
        private final Strategy scheduling = Strategy.named("fcfs");

        public Strategy getCodec() {
            return codec;
        }

        public Strategy getPrefixIndex() {
            return prefixIndex;
        }

        public Strategy getEviction() {
            return eviction;
        }

        public Strategy getPreemption() {
            return preemption;
        }

        public Strategy getOffloadTier() {
            return offloadTier;
        }

        public Strategy getScheduling() {
            return scheduling;
        }
    }

    /** A plugin by name with its configuration (validated against the plugin's schema when the engine starts). */
    public static class Strategy {

        /** The plugin's name. */
        private String name = StrategyChoice.NONE;
        /** The plugin's configuration fields by name (see ./kvasir plugins), validated against its schema. */
        private Map<String, String> config = new LinkedHashMap<>();

        static Strategy named(String name) {
            Strategy strategy = new Strategy();
            strategy.name = name;
            return strategy;
        }

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public Map<String, String> getConfig() {
            return config;
        }

        public void setConfig(Map<String, String> config) {
            this.config = config;
        }

        StrategyChoice toChoice() {
            return StrategyChoice.of(name, Map.copyOf(config));
        }
    }
}
