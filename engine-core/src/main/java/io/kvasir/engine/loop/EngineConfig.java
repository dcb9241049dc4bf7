package io.kvasir.engine.loop;

import java.time.Duration;
import java.util.Objects;

import io.kvasir.engine.kernel.KernelChoice;

/**
 * How an engine instance is sized.
 *
 * @param numThreads worker threads for the matrix kernels (the loop thread is one of them)
 * @param blockSize tokens per KV block
 * @param kvCacheBytes memory for the KV cache; the number of blocks follows from the model's bytes per token
 * @param maxBatchTokens the token budget of one step (prefill chunks plus decode tokens)
 * @param maxRunningRequests the most requests decoding at once
 * @param maxWaitingRequests the most requests queued; beyond it submissions are refused
 * @param maxContextTokens the longest sequence, prompt plus output; 0 takes the model's context length
 * @param cacheProfile the KV-cache strategies
 * @param pluginTimeout how long one call into a strategy plugin (scheduling, prefix index, eviction,
 *     preemption, offload tier) may take before the plugin is disabled and the engine falls back
 * @param forwardTimeout how long one forward pass (where the KV codec runs) may take before the engine gives
 *     its loop up and reports itself down; zero leaves forward passes unwatched
 * @param kernels the matrix kernels: Java, native (where available) or automatic; the default comes from the
 *     system property {@value KernelChoice#PROPERTY} ({@code auto} when unset)
 */
public record EngineConfig(int numThreads, int blockSize, long kvCacheBytes, int maxBatchTokens,
        int maxRunningRequests, int maxWaitingRequests, int maxContextTokens, CacheProfile cacheProfile,
        Duration pluginTimeout, Duration forwardTimeout, KernelChoice kernels) {

    /** The default plugin timeout: far above any sane plugin call, short enough that a hang is noticed. */
    public static final Duration DEFAULT_PLUGIN_TIMEOUT = Duration.ofSeconds(5);

    /** The default forward timeout: above a long prefill chunk of a large model on a slow CPU. */
    public static final Duration DEFAULT_FORWARD_TIMEOUT = Duration.ofMinutes(10);

    public EngineConfig {
        require(numThreads > 0 && numThreads <= 1024, "numThreads must be in 1..1024, got " + numThreads);
        require(blockSize > 0 && blockSize <= 1024, "blockSize must be in 1..1024, got " + blockSize);
        require(kvCacheBytes > 0, "kvCacheBytes must be positive, got " + kvCacheBytes);
        require(maxBatchTokens > 0, "maxBatchTokens must be positive, got " + maxBatchTokens);
        require(maxRunningRequests > 0, "maxRunningRequests must be positive, got " + maxRunningRequests);
        require(maxWaitingRequests >= 0, "maxWaitingRequests must not be negative, got " + maxWaitingRequests);
        require(maxContextTokens >= 0, "maxContextTokens must not be negative, got " + maxContextTokens);
        Objects.requireNonNull(cacheProfile, "cacheProfile");
        Objects.requireNonNull(pluginTimeout, "pluginTimeout");
        Objects.requireNonNull(forwardTimeout, "forwardTimeout");
        require(pluginTimeout.isPositive(), "pluginTimeout must be positive, got " + pluginTimeout);
        require(!forwardTimeout.isNegative(), "forwardTimeout must not be negative, got " + forwardTimeout);
        Objects.requireNonNull(kernels, "kernels");
    }

    /**
     * The default token budget of one step. A step's duration grows with its tokens, and a request that arrives
     * during a step waits for it and then shares the next one: on two CPU cores a 512-token budget let a
     * flooding tenant's prompt chunks double another tenant's TTFT p99 (2.03×, docs/benchmarks.md), 256 kept
     * it at 1.70× (median of 3) while the flooder got as many tokens per second.
     */
    public static final int DEFAULT_MAX_BATCH_TOKENS = 256;

    /**
     * Defaults: all available cores, 16-token blocks, 256 MiB of KV, {@value #DEFAULT_MAX_BATCH_TOKENS}-token steps, 16 running, 1024 waiting,
     * plugin calls bounded at 5 s and forward passes at 10 min.
     */
    public static EngineConfig defaults() {
        return new EngineConfig(Runtime.getRuntime().availableProcessors(), 16, 256L << 20, DEFAULT_MAX_BATCH_TOKENS, 16, 1024, 0,
                CacheProfile.defaults(), DEFAULT_PLUGIN_TIMEOUT, DEFAULT_FORWARD_TIMEOUT, KernelChoice.configured());
    }

    public EngineConfig withNumThreads(int n) {
        return new EngineConfig(n, blockSize, kvCacheBytes, maxBatchTokens, maxRunningRequests, maxWaitingRequests,
                maxContextTokens, cacheProfile, pluginTimeout, forwardTimeout, kernels);
    }

    public EngineConfig withKvCacheBytes(long bytes) {
        return new EngineConfig(numThreads, blockSize, bytes, maxBatchTokens, maxRunningRequests, maxWaitingRequests,
                maxContextTokens, cacheProfile, pluginTimeout, forwardTimeout, kernels);
    }

    public EngineConfig withBlockSize(int tokens) {
        return new EngineConfig(numThreads, tokens, kvCacheBytes, maxBatchTokens, maxRunningRequests, maxWaitingRequests,
                maxContextTokens, cacheProfile, pluginTimeout, forwardTimeout, kernels);
    }

    public EngineConfig withMaxBatchTokens(int tokens) {
        return new EngineConfig(numThreads, blockSize, kvCacheBytes, tokens, maxRunningRequests, maxWaitingRequests,
                maxContextTokens, cacheProfile, pluginTimeout, forwardTimeout, kernels);
    }

    public EngineConfig withMaxRunningRequests(int n) {
        return new EngineConfig(numThreads, blockSize, kvCacheBytes, maxBatchTokens, n, maxWaitingRequests,
                maxContextTokens, cacheProfile, pluginTimeout, forwardTimeout, kernels);
    }

    public EngineConfig withMaxWaitingRequests(int n) {
        return new EngineConfig(numThreads, blockSize, kvCacheBytes, maxBatchTokens, maxRunningRequests, n,
                maxContextTokens, cacheProfile, pluginTimeout, forwardTimeout, kernels);
    }

    public EngineConfig withMaxContextTokens(int tokens) {
        return new EngineConfig(numThreads, blockSize, kvCacheBytes, maxBatchTokens, maxRunningRequests, maxWaitingRequests,
                tokens, cacheProfile, pluginTimeout, forwardTimeout, kernels);
    }

    public EngineConfig withCacheProfile(CacheProfile profile) {
        return new EngineConfig(numThreads, blockSize, kvCacheBytes, maxBatchTokens, maxRunningRequests, maxWaitingRequests,
                maxContextTokens, profile, pluginTimeout, forwardTimeout, kernels);
    }

    public EngineConfig withPluginTimeout(Duration timeout) {
        return new EngineConfig(numThreads, blockSize, kvCacheBytes, maxBatchTokens, maxRunningRequests, maxWaitingRequests,
                maxContextTokens, cacheProfile, timeout, forwardTimeout, kernels);
    }

    public EngineConfig withForwardTimeout(Duration timeout) {
        return new EngineConfig(numThreads, blockSize, kvCacheBytes, maxBatchTokens, maxRunningRequests, maxWaitingRequests,
                maxContextTokens, cacheProfile, pluginTimeout, timeout, kernels);
    }

    public EngineConfig withKernels(KernelChoice choice) {
        return new EngineConfig(numThreads, blockSize, kvCacheBytes, maxBatchTokens, maxRunningRequests, maxWaitingRequests,
                maxContextTokens, cacheProfile, pluginTimeout, forwardTimeout, choice);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
