package io.kvasir.engine.loop;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntPredicate;

import org.jspecify.annotations.Nullable;

import io.kvasir.api.FinishReason;
import io.kvasir.api.GenerationListener;
import io.kvasir.api.GenerationRequest;
import io.kvasir.api.GenerationResult;
import io.kvasir.api.InvalidRequestException;
import io.kvasir.api.TokenOutput;
import io.kvasir.api.plugin.KvCodec;
import io.kvasir.api.plugin.OffloadTier;
import io.kvasir.api.plugin.PluginKind;
import io.kvasir.api.plugin.PrefixIndex;
import io.kvasir.engine.kernel.ParallelExecutor;
import io.kvasir.engine.kv.BlockCopies;
import io.kvasir.engine.kv.BlockPool;
import io.kvasir.engine.kv.KvCacheManager;
import io.kvasir.engine.model.ForwardBatch;
import io.kvasir.engine.model.LlamaConfig;
import io.kvasir.engine.model.LlamaModel;
import io.kvasir.engine.model.LoadedModel;
import io.kvasir.engine.model.PagedKvMemory;
import io.kvasir.engine.plugin.AbandonedThreadError;
import io.kvasir.engine.plugin.GuardedPlugins;
import io.kvasir.engine.plugin.PluginFailureException;
import io.kvasir.engine.plugin.PluginGuard;
import io.kvasir.engine.plugin.PluginRegistry;
import io.kvasir.engine.plugin.PluginTimeoutException;
import io.kvasir.engine.plugin.PluginWatchdog;
import io.kvasir.engine.sched.PrefixCache;
import io.kvasir.engine.sched.Request;
import io.kvasir.engine.sched.ScheduledBatch;
import io.kvasir.engine.sched.SharedPrefix;
import io.kvasir.engine.sched.Scheduler;
import io.kvasir.engine.tokenizer.Tokenizer;

/**
 * One serving instance of a model: the engine loop, its scheduler, KV cache and CPU forward pass.
 *
 * <p>{@link #submit} may be called from any thread; everything else happens on the loop thread, which runs
 * steps while there is work and sleeps otherwise. Each step: finish cancelled requests (their blocks return
 * to the pool in that step), schedule under the token budget, run one batched forward pass, sample, and
 * hand tokens to each request's listener (on the loop thread: listeners must not block).
 *
 * <p>A failure inside a step fails the requests of that step with {@code onError}; the loop goes on.
 *
 * <p>{@link #reconfigure} changes the policies that shape no KV pool (scheduling, eviction, preemption) and the
 * batching limits between two steps; everything else in {@link EngineConfig} is fixed for the instance's life.
 *
 * <p>Strategy plugins are untrusted code on the loop thread. Each call goes through a {@link PluginGuard}: a
 * call that throws is counted and the call site falls back (the policy's default, no eviction, no prefix
 * caching, recompute instead of swap); a KV codec that throws fails the requests of its step. A
 * {@link PluginWatchdog} bounds every plugin call by {@link EngineConfig#pluginTimeout()}: a plugin that does
 * not return in time is disabled (FAILED in the registry, with the reason), its call is interrupted, and the
 * engine goes on with the fallback. A call that ignores the interrupt, or a forward pass past
 * {@link EngineConfig#forwardTimeout()}, loses the loop: every live request ends with {@code onError}, new
 * submissions are refused and the engine reports itself unhealthy, to be replaced.
 */
public final class Engine implements AutoCloseable {

    private final LoadedModel model;
    private final EngineConfig config;
    private final int maxContextTokens;
    private final ParallelExecutor executor;
    private final LlamaModel forwardPass;
    /** The forward pass's attention statistics rows, as the evictors read them (one object, not one per step). */
    private final AttentionRows stepAttention;
    private final PagedKvMemory kvMemory;
    private final BlockPool blockPool;
    /** {@code blockPool::isFree}, made once: the staging of free blocks is released after every step. */
    private final IntPredicate isFreeBlock;
    private final KvCacheManager kvCache;
    private final Scheduler scheduler;
    private final ForwardBatch forwardBatch;
    private final int[][] blockIdScratch;
    /** Per scheduled sequence of the step: its first attention statistics row and how many it has. */
    private final int[] firstStatsRow;
    private final int[] numStatsRows;
    private final LinkedBlockingQueue<Request> submissions = new LinkedBlockingQueue<>();
    /**
     * Held while {@link #submitAll} queues its requests and while a step drains the queue: a poll outside the lock
     * may take the first of them early, but the drain that precedes every schedule waits for the rest.
     */
    private final Object submissionLock = new Object();
    private final ConcurrentHashMap<String, Request> live = new ConcurrentHashMap<>();
    private final AtomicInteger numCancelRequests = new AtomicInteger();
    private final AtomicInteger numQueued = new AtomicInteger();
    private final EngineCounters counters = new EngineCounters();
    private final Thread loopThread;
    private final PluginRegistry registry;
    private final @Nullable TierSwapSpace swapSpace;
    /** The prefix cache, read only for its thread-safe shared-prefix counts; null when prefix caching is off. */
    private final @Nullable PrefixCache sharedPrefixSource;
    private final ConcurrentLinkedQueue<PendingChange> pendingChanges = new ConcurrentLinkedQueue<>();
    /** The eviction requests get at their first step; owned by the loop. Null: none. */
    private @Nullable SequenceEvictor evictor;
    private volatile LiveConfig liveConfig;
    private volatile int maxQueued;
    private volatile boolean kvMemoryFreed;
    private final PluginWatchdog watchdog;
    private final String codecName;
    private final Class<?> codecLayoutClass;
    private volatile boolean closed;
    private volatile boolean loopLost;
    private volatile @Nullable Throwable lastFailure;
    // Published by the loop after each step, so stats() never reads loop-owned structures from another thread.
    private volatile int numRunningSnapshot;
    private volatile int numWaitingSnapshot;
    private volatile int numFreeBlocksSnapshot;
    private volatile int numCachedBlocksSnapshot;
    private volatile int numStagingAreasSnapshot;
    private volatile long stagingBytesSnapshot;
    private volatile long stagingBytesInUseSnapshot;
    private volatile io.kvasir.api.plugin.@Nullable PrefixCacheStats prefixCacheStatsSnapshot;

    private Engine(LoadedModel model, EngineConfig config, PluginRegistry registry) {
        this.model = model;
        this.config = config;
        LlamaConfig modelConfig = model.config();
        this.maxContextTokens = config.maxContextTokens() > 0 ? config.maxContextTokens() : modelConfig.contextLength();
        CacheProfile profile = config.cacheProfile();
        // Its thread starts with the loop's: a constructor that fails leaves nothing running.
        this.watchdog = new PluginWatchdog("kvasir-watchdog-" + model.name(), registry, config.pluginTimeout(),
                config.forwardTimeout(), new WatchdogListener());
        KvCodec codec = registry.create(PluginKind.KV_CODEC, profile.codec().name(), profile.codec().config(), KvCodec.class);
        this.codecName = profile.codec().name();
        this.codecLayoutClass = codec.layout(config.blockSize(), modelConfig.headDim()).getClass();
        long bytesPerBlock = PagedKvMemory.bytesPerBlock(codec, modelConfig.numLayers(), config.blockSize(),
                modelConfig.numKvHeads(), modelConfig.headDim());
        // The budget covers the blocks and, for codecs that stage partly filled blocks outside them (int4-kivi), the
        // most staging a step can hold, so that blocks plus staging stay within kvCacheBytes.
        long stagingReserve = PagedKvMemory.stagingReserve(codec, modelConfig.numLayers(), config.blockSize(),
                modelConfig.numKvHeads(), modelConfig.headDim(), config.maxRunningRequests(),
                Math.max(config.maxBatchTokens(), config.maxRunningRequests()));
        int numBlocks = (int) Math.min(BlockPool.MAX_NUM_BLOCKS,
                Math.max(0, config.kvCacheBytes() - stagingReserve) / bytesPerBlock);
        int blocksPerSequence = (maxContextTokens + config.blockSize() - 1) / config.blockSize();
        if (numBlocks < blocksPerSequence) {
            throw new IllegalArgumentException("a KV cache of " + config.kvCacheBytes() + " bytes holds " + numBlocks
                    + " blocks" + (stagingReserve > 0 ? " (after " + stagingReserve + " bytes set aside for the staging of "
                    + config.maxRunningRequests() + " running requests)" : "") + ", fewer than one full context of "
                    + maxContextTokens + " tokens needs (" + blocksPerSequence
                    + "); raise kvCacheBytes or lower maxContextTokens");
        }
        this.executor = new ParallelExecutor(config.numThreads());
        int stepTokens = Math.max(config.maxBatchTokens(), config.maxRunningRequests());
        this.forwardPass = new LlamaModel(modelConfig, model.weights(), executor, stepTokens, maxContextTokens,
                config.maxRunningRequests(), config.kernels());
        this.stepAttention = forwardPass::addAttentionStats;
        this.kvMemory = new PagedKvMemory(modelConfig.numLayers(), numBlocks, config.blockSize(),
                modelConfig.numKvHeads(), modelConfig.headDim(), codec);
        this.blockPool = new BlockPool(numBlocks, config.blockSize());
        this.isFreeBlock = blockPool::isFree;
        this.kvCache = new KvCacheManager(blockPool, System::nanoTime);
        this.registry = registry;
        LivePolicies policies = livePolicies(LiveConfig.of(config), !profile.prefixIndex().isNone());
        // The guards count the policies' failures; the scheduler falls back on its own.
        this.scheduler = new Scheduler(kvCache, stepTokens, config.maxRunningRequests(), policies.scheduling, e -> { });
        if (!profile.prefixIndex().isNone()) {
            PrefixIndex index = GuardedPlugins.prefixIndex(registry.create(PluginKind.PREFIX_INDEX, profile.prefixIndex().name(),
                    profile.prefixIndex().config(), PrefixIndex.class), guard(PluginKind.PREFIX_INDEX, profile.prefixIndex()));
            scheduler.setPrefixCache(new PrefixCache(index, kvCache));
        }
        if (!profile.offloadTier().isNone()) {
            OffloadTier tier = GuardedPlugins.offloadTier(registry.create(PluginKind.OFFLOAD_TIER, profile.offloadTier().name(),
                    profile.offloadTier().config(), OffloadTier.class), guard(PluginKind.OFFLOAD_TIER, profile.offloadTier()));
            this.swapSpace = new TierSwapSpace(tier, kvMemory);
        } else {
            this.swapSpace = null;
        }
        install(policies);
        if (swapSpace != null && scheduler.prefixCache() != null) {
            scheduler.prefixCache().setSpill(swapSpace);
        }
        this.sharedPrefixSource = scheduler.prefixCache();
        this.forwardBatch = new ForwardBatch(stepTokens, config.maxRunningRequests());
        this.blockIdScratch = new int[config.maxRunningRequests()][blocksPerSequence];
        this.firstStatsRow = new int[config.maxRunningRequests()];
        this.numStatsRows = new int[config.maxRunningRequests()];
        this.numFreeBlocksSnapshot = numBlocks;
        this.loopThread = Thread.ofPlatform().name("kvasir-engine-" + model.name()).daemon(true).unstarted(this::runLoop);
    }

    private LivePolicies livePolicies(LiveConfig live, boolean prefixCaching) {
        return LivePolicies.create(live, registry, prefixCaching, this::guard, policy -> new SequenceEvictor(live.eviction().name(),
                policy, kvCache, kvMemory, model.config().kvDim(), maxContextTokens));
    }

    /** Puts live policies in place; on the loop thread, or in the constructor before the loop starts. */
    private void install(LivePolicies policies) {
        LiveConfig live = policies.config;
        scheduler.setPolicy(policies.scheduling);
        scheduler.setLimits(live.stepTokens(), live.maxRunningRequests());
        scheduler.setPreemption(policies.preemption, swapSpace, kvMemory.bytesPerBlock());
        evictor = policies.evictor;
        maxQueued = live.maxWaitingRequests() + live.maxRunningRequests();
        liveConfig = live;
    }

    private PluginGuard guard(PluginKind kind, StrategyChoice choice) {
        return watchdog.guard(kind, choice.name());
    }

    /** Builds an engine over a loaded model with the plugins on the class path and starts its loop. */
    public static Engine start(LoadedModel model, EngineConfig config) {
        return start(model, config, PluginRegistry.load());
    }

    /**
     * Builds an engine over a loaded model, creating its strategies from {@code registry}, and starts its loop.
     *
     * @throws io.kvasir.engine.plugin.UnknownPluginException when the profile names a plugin the registry lacks
     * @throws io.kvasir.api.plugin.InvalidConfigException when a plugin's configuration does not fit its schema
     */
    public static Engine start(LoadedModel model, EngineConfig config, PluginRegistry registry) {
        Engine engine = new Engine(model, config, registry);
        engine.watchdog.start();
        engine.loopThread.start();
        return engine;
    }

    public LoadedModel model() {
        return model;
    }

    /** The configuration this instance was built with; its live part may since have changed ({@link #liveConfig()}). */
    public EngineConfig config() {
        return config;
    }

    /** The live part of the configuration the loop runs under now. */
    public LiveConfig liveConfig() {
        return liveConfig;
    }

    /**
     * Changes the policies that shape no KV pool and the batching limits. The plugins are created here, on the
     * caller's thread, and the loop installs them between two steps, before it schedules the next one:
     * <ul>
     *   <li>scheduling: every pick from that step on uses the new policy, which hears of each request in the
     *       engine as an arrival; a policy with counters (VTC) starts them afresh;</li>
     *   <li>preemption: every preemption from that step on is decided by the new policy (a request swapped out
     *       before comes back by swap all the same);</li>
     *   <li>token budget and running limit: from that step's schedule on; requests over a lowered limit keep
     *       running, admission waits. The queue limit: for submissions after the change is installed;</li>
     *   <li>eviction reshapes a request's cache, so each request keeps the eviction it had at its first step to
     *       its end, never a mix (RELIABILITY.md item 23); requests not yet scheduled get the new one.</li>
     * </ul>
     * Changes are installed in the order they were made. While the engine is idle the loop installs a change
     * within its 100 ms wait for work.
     *
     * @return completes with {@code next} once installed; fails with {@link IllegalStateException} when the
     *         engine closes first
     * @throws io.kvasir.engine.plugin.UnknownPluginException for an unknown plugin name
     * @throws io.kvasir.api.plugin.InvalidConfigException for a configuration that does not fit its schema
     * @throws IllegalArgumentException when a limit exceeds what the instance was built for
     *         ({@link LiveConfig#fits}) or eviction is asked for with prefix caching on
     * @throws IllegalStateException when the engine is closed
     */
    public CompletableFuture<LiveConfig> reconfigure(LiveConfig next) {
        if (closed) {
            throw new IllegalStateException("engine for " + model.name() + " is closed");
        }
        if (!next.fits(config)) {
            throw new IllegalArgumentException("maxBatchTokens " + next.maxBatchTokens() + " and maxRunningRequests "
                    + next.maxRunningRequests() + " exceed what this engine was built for (" + config.maxBatchTokens()
                    + " and " + config.maxRunningRequests() + "); a new engine instance is needed");
        }
        PendingChange change = new PendingChange(livePolicies(next, scheduler.prefixCache() != null), new CompletableFuture<>());
        pendingChanges.add(change);
        if (closed) {
            failPendingChanges();
        }
        return change.installed;
    }

    private void installPendingChanges() {
        PendingChange change;
        while ((change = pendingChanges.poll()) != null) {
            install(change.policies);
            change.installed.complete(change.policies.config);
        }
    }

    private void failPendingChanges() {
        PendingChange change;
        while ((change = pendingChanges.poll()) != null) {
            change.installed.completeExceptionally(new IllegalStateException("engine for " + model.name()
                    + " closed before the change was installed"));
        }
    }

    /** Whether the forward pass runs its Q8_0 products on the native kernels (see {@link EngineConfig#kernels()}). */
    public boolean usesNativeKernels() {
        return forwardPass.usesNativeKernels();
    }

    /** The KV memory's bytes per token with this engine's codec (amortised over a full block). */
    public double kvBytesPerToken() {
        return kvMemory.bytesPerToken();
    }

    /**
     * The KV memory this engine holds, in bytes: its blocks and, with a codec that keeps staging, the staging areas
     * allocated for partly filled blocks (as of the last step; they grow with the open blocks and are kept for
     * reuse); 0 once {@link #close()} has freed it.
     */
    public long kvMemoryBytes() {
        return kvMemoryFreed ? 0 : kvMemory.byteSize() + stagingBytesSnapshot;
    }

    /** The longest sequence (prompt plus output) a request may reach. */
    public int maxContextTokens() {
        return maxContextTokens;
    }

    public Tokenizer tokenizer() {
        return model.tokenizer();
    }

    /**
     * Queues a request. Its tokens and its end reach {@code listener} on the loop thread.
     *
     * @throws InvalidRequestException when the prompt does not fit the context or holds ids outside the vocabulary
     * @throws EngineOverloadedException when the waiting queue is full
     * @throws IllegalStateException when the engine is closed
     */
    public RequestHandle submit(GenerationRequest spec, GenerationListener listener) {
        return submitAll(List.of(spec), List.of(listener)).getFirst();
    }

    /**
     * Queues requests that reach the scheduler together: no step sees some of them and not the others, so how
     * they are batched and chunked does not depend on the timing of their submission (what a reproducible
     * evaluation needs). All or nothing: when one is refused, none is queued. {@code listeners.get(i)} hears of
     * {@code specs.get(i)}.
     *
     * @throws InvalidRequestException when a prompt does not fit the context or holds ids outside the vocabulary,
     *         or two requests share an id
     * @throws EngineOverloadedException when the waiting queue has no room for all of them
     * @throws IllegalStateException when the engine is closed
     */
    public List<RequestHandle> submitAll(List<GenerationRequest> specs, List<GenerationListener> listeners) {
        if (specs.size() != listeners.size()) {
            throw new IllegalArgumentException(specs.size() + " requests but " + listeners.size() + " listeners");
        }
        if (closed) {
            throw new IllegalStateException("engine for " + model.name() + " is closed");
        }
        if (loopLost) {
            throw lostException();
        }
        specs.forEach(this::validate);
        int n = specs.size();
        if (numQueued.addAndGet(n) > maxQueued) {
            numQueued.addAndGet(-n);
            counters.rejected.addAndGet(n);
            throw new EngineOverloadedException("the engine for " + model.name() + " has " + liveConfig.maxWaitingRequests()
                    + " requests waiting; try again later");
        }
        long arrival = System.nanoTime();
        List<Request> requests = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            GenerationRequest spec = specs.get(i);
            Request request = new Request(spec, listeners.get(i), arrival, spec.sampling().maxTokens());
            if (live.putIfAbsent(spec.requestId(), request) != null) {
                requests.forEach(queued -> live.remove(queued.requestId(), queued));
                numQueued.addAndGet(-n);
                throw new InvalidRequestException("request_id", "request id " + spec.requestId() + " is already in use");
            }
            requests.add(request);
        }
        synchronized (submissionLock) {
            submissions.addAll(requests);
        }
        if (loopLost) {
            // The loop was given up while these were being queued: nobody would ever serve them.
            for (Request request : requests) {
                if (live.remove(request.requestId(), request)) {
                    numQueued.decrementAndGet();
                }
            }
            throw lostException();
        }
        List<RequestHandle> handles = new ArrayList<>(n);
        requests.forEach(request -> handles.add(new RequestHandle(this, request)));
        return handles;
    }

    private IllegalStateException lostException() {
        Throwable failure = lastFailure;
        return new IllegalStateException("engine for " + model.name() + " is down: "
                + (failure == null ? "its loop was given up" : failure.getMessage()));
    }

    private void validate(GenerationRequest spec) {
        int vocabSize = model.config().vocabSize();
        for (int i = 0; i < spec.numPromptTokens(); i++) {
            int token = spec.promptToken(i);
            if (token < 0 || token >= vocabSize) {
                throw new InvalidRequestException("prompt", "token id " + token + " at position " + i
                        + " is outside the vocabulary of " + vocabSize);
            }
        }
        if (spec.numPromptTokens() >= maxContextTokens) {
            throw new InvalidRequestException("messages", "the prompt has " + spec.numPromptTokens()
                    + " tokens; the context holds " + maxContextTokens + " (prompt plus output)");
        }
        int maxTokens = spec.sampling().maxTokens();
        if (maxTokens != Integer.MAX_VALUE && (long) spec.numPromptTokens() + maxTokens > maxContextTokens) {
            throw new InvalidRequestException("max_tokens", "prompt (" + spec.numPromptTokens() + " tokens) plus max_tokens ("
                    + maxTokens + ") exceeds the context of " + maxContextTokens + " tokens");
        }
    }

    void cancel(Request request) {
        if (!request.isCancelRequested()) {
            request.requestCancel();
            numCancelRequests.incrementAndGet();
        }
    }

    /** A snapshot of the engine's state and counters. */
    public EngineStats stats() {
        return counters.snapshot(numRunningSnapshot, numWaitingSnapshot + submissions.size(),
                blockPool.numBlocks(), numFreeBlocksSnapshot, numCachedBlocksSnapshot, blockPool.blockSize(),
                numStagingAreasSnapshot, stagingBytesInUseSnapshot, stagingBytesSnapshot, scheduler.numPreemptionsTotal(),
                lastFailure == null ? null : String.valueOf(lastFailure.getMessage()), isHealthy());
    }

    /** Whether the loop thread is alive and accepting work (false once the watchdog gave it up). */
    public boolean isHealthy() {
        return !closed && !loopLost && loopThread.isAlive();
    }

    private void runLoop() {
        while (!closed) {
            try {
                installPendingChanges();
                if (!scheduler.hasWork()) {
                    Request next = submissions.poll(100, TimeUnit.MILLISECONDS);
                    if (next == null) {
                        continue;
                    }
                    scheduler.add(next);
                }
                step();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (AbandonedThreadError e) {
                // The watchdog failed every request and took the engine down: touch nothing.
                return;
            } catch (Throwable t) {
                lastFailure = t;
                counters.failedSteps.incrementAndGet();
            }
        }
        shutdownRequests();
    }

    /** One engine step. */
    void step() {
        try {
            runStep();
            // Requests that finished, were preempted or shrank during the step freed blocks that may have been open:
            // their staging goes back now, so between steps the areas in use are the open blocks of live sequences.
            kvMemory.releaseStagingOfFreeBlocks(isFreeBlock);
        } finally {
            publishSnapshot();
        }
    }

    private void runStep() {
        drainSubmissions();
        if (numCancelRequests.get() > 0) {
            numCancelRequests.set(0);
            scheduler.removeCancelled(this::completeCancelled);
        }
        ScheduledBatch scheduled = scheduler.schedule();
        if (scheduled.isEmpty()) {
            // Work waits for blocks nobody will free this instant: wait for a new submission or a moment.
            Request next = pollQuietly();
            if (next != null) {
                scheduler.add(next);
            }
            return;
        }
        try {
            runForward(scheduled);
        } catch (AbandonedThreadError e) {
            throw e;
        } catch (RuntimeException | Error e) {
            lastFailure = e;
            counters.failedSteps.incrementAndGet();
            maybeBlameCodec(e);
            for (int i = 0; i < scheduled.size(); i++) {
                Request request = scheduled.request(i);
                if (request.status() != Request.Status.FINISHED) {
                    failRequest(request, e);
                }
            }
        }
    }

    private @Nullable Request pollQuietly() {
        try {
            return submissions.poll(1, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Under the submission lock, so that requests queued together by {@link #submitAll} arrive together. */
    private void drainSubmissions() {
        synchronized (submissionLock) {
            Request next;
            while ((next = submissions.poll()) != null) {
                scheduler.add(next);
            }
        }
    }

    private void runForward(ScheduledBatch scheduled) {
        BlockCopies copies = kvCache.pendingCopies();
        for (int i = 0; i < copies.size(); i++) {
            kvMemory.copyBlock(copies.src(i), copies.dst(i));
        }
        copies.clear();
        // Blocks freed while open during scheduling (preempted requests) give their staging back before this step
        // opens others; blocks already handed to another request keep theirs for that request's slot 0.
        kvMemory.releaseStagingOfFreeBlocks(isFreeBlock);
        forwardBatch.clear();
        for (int i = 0; i < scheduled.size(); i++) {
            Request request = scheduled.request(i);
            RequestState state = stateOf(request);
            SequenceEvictor eviction = state.evictor;
            int[] blockIds = blockIdScratch[i];
            kvCache.blockTable(request.kvSequence()).copyBlockIds(blockIds, 0);
            int seq = forwardBatch.addSequence(blockIds);
            int numNew = scheduled.numNewTokens(i);
            int from = request.numComputedTokens();
            int to = from + numNew;
            int slot = kvCache.numTokens(request.kvSequence()) - numNew;
            boolean samples = to == request.numTokens();
            if (eviction != null) {
                request.ensureSlotCapacity(slot + numNew);
            }
            if (slot == 0 && state.recentAttention != null) {
                // No cached slots: the request starts (again, after a recompute preemption) from its first token.
                state.recentAttention.clear();
            }
            firstStatsRow[i] = ForwardBatch.NO_STATS;
            numStatsRows[i] = 0;
            for (int p = from; p < to; p++, slot++) {
                int statsRow = ForwardBatch.NO_STATS;
                if (eviction != null) {
                    request.slotPositions()[slot] = p;
                    if (eviction.collectsAttention(request, p, to)) {
                        statsRow = nextStatsRow(i, eviction.keepsQueriesApart());
                    }
                }
                forwardBatch.addToken(seq, request.token(p), p, slot, samples && p == to - 1, statsRow);
            }
        }
        long stepStart = System.nanoTime();
        float[] logits;
        watchdog.enterForward();
        try {
            logits = forwardPass.forward(forwardBatch, kvMemory);
        } finally {
            watchdog.exitForward();
        }
        counters.steps.incrementAndGet();
        counters.tokensComputed.addAndGet(scheduled.numTokens());
        int vocabSize = model.config().vocabSize();
        int logitsRow = 0;
        long now = System.nanoTime();
        double stepSeconds = (now - stepStart) / 1e9;
        PrefixCache prefixCache = scheduler.prefixCache();
        for (int i = 0; i < scheduled.size(); i++) {
            Request request = scheduled.request(i);
            RequestState state = stateOf(request);
            SequenceEvictor eviction = state.evictor;
            int numNew = scheduled.numNewTokens(i);
            boolean decoding = numNew == 1 && request.numGeneratedTokens() > 0
                    && request.numComputedTokens() == request.numTokens() - 1;
            int numBlocks = kvCache.blockTable(request.kvSequence()).numBlocks();
            request.noteBlocksHeld(numBlocks);
            boolean wasInPrefill = request.numComputedTokens() < request.numPromptTokens();
            request.advanceComputed(numNew);
            if (prefixCache != null) {
                prefixCache.publish(request);
            }
            boolean samples = request.numUncomputedTokens() == 0;
            scheduler.charge(request, decoding ? 0 : numNew, samples ? 1 : 0, numBlocks * stepSeconds);
            boolean failed = false;
            if (eviction != null) {
                if (eviction.needsAttentionStats()) {
                    eviction.addStepAttention(request, state.recentAttention, stepAttention, firstStatsRow[i],
                            numStatsRows[i], kvCache.numTokens(request.kvSequence()), numNew);
                }
                try {
                    eviction.maybeEvict(request, state.recentAttention,
                            wasInPrefill && request.numComputedTokens() >= request.numPromptTokens());
                } catch (RuntimeException e) {
                    // The policy's own failures are absorbed by the evictor; this is compaction (the codec), and
                    // the request's cache may be half moved: only this request fails.
                    maybeBlameCodec(e);
                    failRequest(request, e);
                    failed = true;
                }
            }
            if (samples) {
                int row = logitsRow++;
                if (!failed) {
                    emitNextToken(request, logits, row * vocabSize, vocabSize, now);
                }
            }
        }
    }

    /**
     * The statistics row of the next collecting token of the step's {@code i}-th sequence: a new row for each
     * token when {@code perToken}, else one row the sequence's tokens share.
     */
    private int nextStatsRow(int i, boolean perToken) {
        if (numStatsRows[i] == 0 || perToken) {
            int row = forwardBatch.newStatsRow();
            if (numStatsRows[i]++ == 0) {
                firstStatsRow[i] = row;
            }
            return row;
        }
        return firstStatsRow[i];
    }

    private void emitNextToken(Request request, float[] logits, int offset, int vocabSize, long now) {
        RequestDecoder decoder;
        TokenOutput output;
        try {
            decoder = decoderOf(request);
            output = decoder.next(request, logits, offset, vocabSize);
        } catch (RuntimeException e) {
            // A listener or sampler that fails affects only its own request.
            failRequest(request, e);
            return;
        }
        request.markFirstToken(now);
        counters.tokensGenerated.incrementAndGet();
        FinishReason finish = decoder.finishReason();
        try {
            request.listener().onToken(output);
        } catch (RuntimeException listenerFailure) {
            finish = FinishReason.CANCELLED;
        }
        if (finish != null) {
            scheduler.finish(request);
            complete(request, finish);
        }
    }

    private RequestDecoder decoderOf(Request request) {
        RequestState state = stateOf(request);
        if (state.decoder == null) {
            state.decoder = new RequestDecoder(request, model.tokenizer(), model.config().vocabSize(), maxContextTokens);
        }
        return state.decoder;
    }

    /** The request's loop state; its first call (the request's first step) fixes the eviction it runs under. */
    private RequestState stateOf(Request request) {
        Object state = request.engineState();
        if (state == null) {
            RequestState created = new RequestState(evictor);
            request.attachEngineState(created);
            return created;
        }
        return (RequestState) state;
    }

    private void completeCancelled(Request request) {
        complete(request, FinishReason.CANCELLED);
    }

    private void complete(Request request, FinishReason reason) {
        live.remove(request.requestId());
        numQueued.decrementAndGet();
        counters.countFinish(reason);
        long now = System.nanoTime();
        GenerationResult result = new GenerationResult(request.requestId(), reason, request.numPromptTokens(),
                request.numCachedPromptTokens(), request.numGeneratedTokens(),
                request.firstTokenNanos() == 0 ? 0 : request.firstTokenNanos() - request.arrivalNanos(),
                now - request.arrivalNanos(), request.numPreemptions(), request.numBlocksHeld(),
                request.numEvictedTokens(), null);
        // Its blocks are back in the pool: let stats() show it before the listener hears of the end.
        publishSnapshot();
        try {
            request.listener().onComplete(result);
        } catch (RuntimeException ignored) {
            // A listener that fails on completion has nothing left to lose; the engine goes on.
        }
    }

    private void failRequest(Request request, Throwable error) {
        scheduler.finish(request);
        if (live.remove(request.requestId(), request)) {
            numQueued.decrementAndGet();
            notifyError(request, error);
        }
    }

    private void notifyError(Request request, Throwable error) {
        counters.countFinish(FinishReason.ERROR);
        try {
            request.listener().onError(error);
        } catch (RuntimeException ignored) {
            // Nothing more to tell a listener that cannot take its own error.
        }
    }

    private void shutdownRequests() {
        failPendingChanges();
        drainSubmissions();
        scheduler.removeAll(this::completeCancelled);
    }

    /**
     * Stops the loop: requests still running end as CANCELLED; KV memory and worker threads are released. A
     * lost loop (stuck in a plugin or a forward pass) is not waited for, and the memory it may still touch is
     * left to it.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        watchdog.close();
        if (!loopLost) {
            try {
                loopThread.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        executor.close();
        if (loopLost) {
            return;
        }
        if (swapSpace != null) {
            swapSpace.close();
        }
        kvMemory.close();
        kvMemoryFreed = true;
    }

    /** Counts a step failure whose stack runs through the KV codec's layout as the codec's. */
    private void maybeBlameCodec(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            for (StackTraceElement frame : t.getStackTrace()) {
                if (frame.getClassName().equals(codecLayoutClass.getName())) {
                    registry.countStepFailure(PluginKind.KV_CODEC, codecName);
                    counters.pluginFailures.incrementAndGet();
                    return;
                }
            }
        }
    }

    /** The watchdog gave the loop up (watchdog thread): every live request ends with the failure. */
    private void loopLost(RuntimeException failure) {
        lastFailure = failure;
        loopLost = true;
        for (Request request : live.values()) {
            if (live.remove(request.requestId(), request)) {
                numQueued.decrementAndGet();
                notifyError(request, failure);
            }
        }
    }

    /** Counts plugin failures and hears of a lost loop. */
    private final class WatchdogListener implements PluginWatchdog.Listener {
        @Override
        public void pluginFailed(PluginFailureException failure) {
            counters.pluginFailures.incrementAndGet();
            if (failure instanceof PluginTimeoutException) {
                counters.pluginTimeouts.incrementAndGet();
            }
            lastFailure = failure;
        }

        @Override
        public void threadLost(RuntimeException failure) {
            loopLost(failure);
        }
    }

    /**
     * The cached prefixes requests reused most often, most hits first; empty when prefix caching is off. Counted
     * over the last 256 distinct prefixes reused; safe from any thread.
     */
    public List<SharedPrefix> sharedPrefixes(int limit) {
        return sharedPrefixSource == null ? List.of() : sharedPrefixSource.sharedPrefixes(limit);
    }

    /** Bytes of one KV block with this engine's codec and block size. */
    public long kvBytesPerBlock() {
        return kvMemory.bytesPerBlock();
    }

    /** Bytes the offload tier holds now (swapped and spilled blocks); 0 without a tier or once closed. */
    public long offloadTierUsedBytes() {
        return swapSpace == null || closed ? 0 : swapSpace.usedBytes();
    }

    /** The offload tier's byte budget; 0 without a tier. */
    public long offloadTierCapacityBytes() {
        return swapSpace == null ? 0 : swapSpace.capacityBytes();
    }

    /** Prefix-cache counters as of the last step, or null when prefix caching is off. */
    public io.kvasir.api.plugin.@Nullable PrefixCacheStats prefixCacheStats() {
        return prefixCacheStatsSnapshot;
    }

    private void publishSnapshot() {
        if (loopLost) {
            return;
        }
        numRunningSnapshot = scheduler.numRunning();
        numWaitingSnapshot = scheduler.numWaiting();
        numFreeBlocksSnapshot = blockPool.numFreeBlocks();
        PrefixCache prefixCache = scheduler.prefixCache();
        numCachedBlocksSnapshot = prefixCache == null ? 0 : prefixCache.numEvictableBlocks();
        numStagingAreasSnapshot = kvMemory.stagingAreasInUse();
        stagingBytesSnapshot = kvMemory.stagingBytesAllocated();
        stagingBytesInUseSnapshot = kvMemory.stagingBytesInUse();
        prefixCacheStatsSnapshot = prefixCache == null ? null : prefixCache.stats();
    }

    /** A live change waiting for the loop, and the future told when it is installed. */
    private record PendingChange(LivePolicies policies, CompletableFuture<LiveConfig> installed) {
    }

    /** Counters kept by the loop and read by {@link #stats()}. */
    private static final class EngineCounters {
        final AtomicLong steps = new AtomicLong();
        final AtomicLong tokensComputed = new AtomicLong();
        final AtomicLong tokensGenerated = new AtomicLong();
        final AtomicLong failedSteps = new AtomicLong();
        final AtomicLong pluginFailures = new AtomicLong();
        final AtomicLong pluginTimeouts = new AtomicLong();
        final AtomicLong rejected = new AtomicLong();
        final AtomicLong[] finished = new AtomicLong[FinishReason.values().length];

        EngineCounters() {
            for (int i = 0; i < finished.length; i++) {
                finished[i] = new AtomicLong();
            }
        }

        void countFinish(FinishReason reason) {
            finished[reason.ordinal()].incrementAndGet();
        }

        EngineStats snapshot(int running, int waiting, int numBlocks, int numFreeBlocks, int numCachedBlocks, int blockSize,
                int numStagingAreas, long stagingBytesInUse, long stagingBytes, long preemptions,
                @Nullable String lastFailure, boolean healthy) {
            long[] byReason = new long[finished.length];
            for (int i = 0; i < byReason.length; i++) {
                byReason[i] = finished[i].get();
            }
            return new EngineStats(running, waiting, numBlocks, numFreeBlocks, numCachedBlocks, blockSize, numStagingAreas,
                    stagingBytesInUse, stagingBytes, steps.get(), tokensComputed.get(),
                    tokensGenerated.get(), preemptions, failedSteps.get(), pluginFailures.get(), pluginTimeouts.get(), rejected.get(),
                    byReason, lastFailure, healthy);
        }
    }
}
