package io.kvasir.engine.sched;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

import io.kvasir.api.plugin.PreemptionPolicy;
import io.kvasir.api.plugin.SchedulingPolicy;
import io.kvasir.engine.kv.KvCacheManager;
import io.kvasir.engine.kv.KvSequence;

/**
 * Picks each step's work under a token budget (continuous batching with chunked prefill).
 *
 * <p>The one rule: every request has {@code numComputedTokens} behind its {@code numTokens}; a step first gives
 * each decoding running request its one token, then spends the rest of the budget on prompt work in the order the
 * {@link SchedulingPolicy} picks among the running requests still prefilling (a chunk as large as the budget allows)
 * and the waiting ones (admitted while blocks and the running limit allow). Prefill chunks and decode tokens mix in
 * one step.
 *
 * <p>When the KV cache cannot hold a running request's next tokens, the most recently admitted running
 * request is preempted: its blocks go back to the pool and it returns to the head of the waiting queue,
 * to be recomputed when resumed. No new request is admitted in a step that preempted.
 *
 * <p>Invariants: a request is in exactly one of {@code waiting} and {@code running} until finished;
 * running requests hold a KV sequence, waiting ones none; the scheduled tokens never exceed the budget.
 * Not thread-safe: the engine loop owns it.
 */
public final class Scheduler {

    private final KvCacheManager kvCache;
    private int maxBatchTokens;
    private int maxRunningRequests;
    private final int capacityRunningRequests;
    private final ArrayList<Request> waiting = new ArrayList<>();
    private SchedulingPolicy policy;
    private final SchedulingPolicy fallbackPolicy = (candidates, now) -> 0;
    private final java.util.function.Consumer<RuntimeException> onPolicyFailure;
    private final List<Request> running = new ArrayList<>();
    /** Running requests still prefilling, set aside in a step until the policy orders them with the waiting ones. */
    private final List<Request> prefilling = new ArrayList<>();
    /** What the policy picks from in a step: {@link #prefilling}, then (when admitting) {@link #waiting}. */
    private final List<Request> candidates = new ArrayList<>();
    private final ScheduledBatch batch;
    private long numPreemptionsTotal;
    private @Nullable PrefixCache prefixCache;
    private PreemptionPolicy preemptionPolicy = (numBlocks, bytesPerBlock, numComputedTokens) -> PreemptionPolicy.Mode.RECOMPUTE;
    private @Nullable KvSwapSpace swapSpace;
    private long bytesPerBlock;
    private long numSwapsOut;
    private long numSwapsIn;

    /**
     * @param maxBatchTokens the token budget of one step
     * @param maxRunningRequests the most requests running at once
     */
    public Scheduler(KvCacheManager kvCache, int maxBatchTokens, int maxRunningRequests) {
        this(kvCache, maxBatchTokens, maxRunningRequests, (candidates, now) -> 0, e -> { });
    }

    /**
     * @param policy orders the waiting requests
     * @param onPolicyFailure told when the scheduling or preemption policy throws; the step then admits in
     *     arrival order, or preempts by recomputing
     */
    public Scheduler(KvCacheManager kvCache, int maxBatchTokens, int maxRunningRequests, SchedulingPolicy policy,
            java.util.function.Consumer<RuntimeException> onPolicyFailure) {
        if (maxBatchTokens <= 0 || maxRunningRequests <= 0) {
            throw new IllegalArgumentException("maxBatchTokens and maxRunningRequests must be positive");
        }
        this.kvCache = kvCache;
        this.maxBatchTokens = maxBatchTokens;
        this.maxRunningRequests = maxRunningRequests;
        this.capacityRunningRequests = maxRunningRequests;
        this.batch = new ScheduledBatch(maxRunningRequests);
        this.policy = policy;
        this.onPolicyFailure = onPolicyFailure;
    }

    /**
     * Sets how requests are preempted; {@code swapSpace} null makes every preemption a recompute.
     *
     * @param bytesPerBlock the KV bytes of one block over all layers, for the policy's cost rule
     */
    public void setPreemption(PreemptionPolicy policy, @Nullable KvSwapSpace swapSpace, long bytesPerBlock) {
        this.preemptionPolicy = policy;
        this.swapSpace = swapSpace;
        this.bytesPerBlock = bytesPerBlock;
    }

    /** Preemptions that swapped blocks out, and resumptions that swapped them back in. */
    public long numSwapsOut() {
        return numSwapsOut;
    }

    public long numSwapsIn() {
        return numSwapsIn;
    }

    /** Turns prefix caching on (with an index) or off (null). */
    public void setPrefixCache(@Nullable PrefixCache prefixCache) {
        this.prefixCache = prefixCache;
    }

    public @Nullable PrefixCache prefixCache() {
        return prefixCache;
    }

    /**
     * Replaces the scheduling policy from the next {@link #schedule()} on. The new policy hears of every request
     * in the engine as an arrival (running ones first, then waiting ones in queue order), so counts of active
     * requests start right; a policy with counters (VTC) starts them afresh.
     */
    public void setPolicy(SchedulingPolicy policy) {
        this.policy = policy;
        long now = System.nanoTime();
        for (int i = 0; i < running.size(); i++) {
            announce(running.get(i), now);
        }
        for (int i = 0; i < waiting.size(); i++) {
            announce(waiting.get(i), now);
        }
    }

    /**
     * Changes the step's token budget and the running limit from the next {@link #schedule()} on. Requests
     * running over a lowered limit keep running; admission waits until fewer run.
     *
     * @throws IllegalArgumentException when a limit is not positive or {@code maxRunningRequests} exceeds the one
     *         this scheduler was built with (its batch is sized once)
     */
    public void setLimits(int maxBatchTokens, int maxRunningRequests) {
        if (maxBatchTokens <= 0 || maxRunningRequests <= 0 || maxRunningRequests > capacityRunningRequests) {
            throw new IllegalArgumentException("maxBatchTokens must be positive and maxRunningRequests in 1.."
                    + capacityRunningRequests + ", got " + maxBatchTokens + " and " + maxRunningRequests);
        }
        this.maxBatchTokens = maxBatchTokens;
        this.maxRunningRequests = maxRunningRequests;
    }

    public SchedulingPolicy policy() {
        return policy;
    }

    /** Queues a new request behind the waiting ones. */
    public void add(Request request) {
        waiting.add(request);
        announce(request, System.nanoTime());
    }

    private void announce(Request request, long now) {
        try {
            policy.onArrival(request, now);
        } catch (RuntimeException e) {
            onPolicyFailure.accept(e);
        }
    }

    public int numWaiting() {
        return waiting.size();
    }

    public int numRunning() {
        return running.size();
    }

    public boolean hasWork() {
        return !waiting.isEmpty() || !running.isEmpty();
    }

    public long numPreemptionsTotal() {
        return numPreemptionsTotal;
    }

    /** Plans the next step. The returned batch is reused by the next call. */
    public ScheduledBatch schedule() {
        batch.clear();
        prefilling.clear();
        int budget = scheduleDecodes(maxBatchTokens);
        schedulePrefills(budget);
        return batch;
    }

    /**
     * Gives each decoding running request its one token, in admission order, preempting the newest running request
     * when the pool cannot hold it; running requests still prefilling are set aside in {@link #prefilling}.
     * Returns the budget left.
     */
    private int scheduleDecodes(int budget) {
        for (int i = 0; i < running.size() && budget > 0; i++) {
            Request request = running.get(i);
            int numUncomputed = request.numUncomputedTokens();
            if (numUncomputed == 0) {
                continue;
            }
            if (numUncomputed > 1) {
                prefilling.add(request);
                continue;
            }
            if (!allocateOrPreemptNewest(request, 1)) {
                break;
            }
            batch.add(request, 1);
            budget--;
        }
        return budget;
    }

    /**
     * Allocates {@code numNew} slots for a running request, preempting the most recently admitted running requests
     * until they fit. Returns false when the request had to preempt itself. Every victim comes after
     * {@code request} in {@link #running}, so none of them is in the batch yet.
     */
    private boolean allocateOrPreemptNewest(Request request, int numNew) {
        while (!allocate(request.kvSequence(), numNew)) {
            Request victim = running.removeLast();
            prefilling.remove(victim);
            preempt(victim);
            if (victim == request) {
                return false;
            }
        }
        return true;
    }

    /**
     * Spends the rest of the budget on prompt work in the scheduling policy's order: the chunks still missing from
     * running requests that are prefilling (offered first, as the oldest) and waiting requests to admit, while the
     * running limit allows and the step preempted nothing. So a fair policy puts an under-served tenant's new prompt
     * ahead of the rest of a long prompt another tenant is still prefilling, instead of leaving it the budget that
     * prompt did not need.
     */
    private void schedulePrefills(int budget) {
        boolean admitting = true;
        while (budget > 0) {
            admitting &= batch.numPreempted() == 0;
            candidates.clear();
            for (int i = 0; i < prefilling.size(); i++) {
                candidates.add(prefilling.get(i));
            }
            int numPrefilling = candidates.size();
            if (admitting && running.size() < maxRunningRequests) {
                for (int i = 0; i < waiting.size(); i++) {
                    candidates.add(waiting.get(i));
                }
            }
            if (candidates.isEmpty()) {
                return;
            }
            int index = pickNext(candidates);
            if (index < numPrefilling) {
                Request request = candidates.get(index);
                prefilling.remove(index);
                int numNew = Math.min(request.numUncomputedTokens(), budget);
                if (batch.isEmpty()) {
                    if (!allocateOrPreemptNewest(request, numNew)) {
                        return;
                    }
                } else if (!allocate(request.kvSequence(), numNew)) {
                    // Tokens are in the batch already: make no room by preemption (a victim could be one of them);
                    // take the chunk the free blocks hold instead, or wait for blocks to come back.
                    numNew = largestChunkThatFits(request.kvSequence(), numNew);
                    if (numNew == 0 || !allocate(request.kvSequence(), numNew)) {
                        return;
                    }
                }
                batch.add(request, numNew);
                budget -= numNew;
            } else {
                int numAdmitted = admit(waiting.get(index - numPrefilling), budget);
                if (numAdmitted < 0) {
                    admitting = false;
                } else {
                    budget -= numAdmitted;
                }
            }
        }
    }

    /** The most of {@code numWanted} tokens whose slots the free blocks hold now (0 when not even one fits). */
    private int largestChunkThatFits(KvSequence sequence, int numWanted) {
        int numFree = kvCache.numFreeBlocks();
        int low = 0;
        int high = numWanted;
        while (low < high) {
            int mid = (low + high + 1) >>> 1;
            if (kvCache.numBlocksNeeded(sequence, mid) <= numFree) {
                low = mid;
            } else {
                high = mid - 1;
            }
        }
        return low;
    }

    /** Admits a waiting request with up to {@code budget} of its tokens; returns them, or -1 when it cannot run yet. */
    private int admit(Request request, int budget) {
        KvSequence sequence = kvCache.createSequence(request.tenantId());
        int numNew;
        if (request.numSwappedTokens() > 0) {
            numNew = Math.min(request.numTokens() - request.numSwappedTokens(), budget);
            if (!swapIn(request, sequence, numNew)) {
                return -1;
            }
        } else {
            if (prefixCache != null) {
                request.skipCachedTokens(prefixCache.attach(request, sequence));
            }
            numNew = Math.min(request.numUncomputedTokens(), budget);
            if (!allocate(sequence, numNew)) {
                kvCache.free(sequence);
                request.undoAdmission();
                return -1;
            }
        }
        waiting.remove(request);
        request.startRunning(sequence);
        running.add(request);
        batch.add(request, numNew);
        return numNew;
    }

    /** Allocates slots, first taking back blocks the prefix cache retains when the pool is short. */
    private boolean allocate(KvSequence sequence, int numNew) {
        if (kvCache.allocateSlots(sequence, numNew)) {
            return true;
        }
        if (prefixCache == null) {
            return false;
        }
        int shortfall = kvCache.numBlocksNeeded(sequence, numNew) - kvCache.numFreeBlocks();
        return prefixCache.evict(shortfall) >= shortfall && kvCache.allocateSlots(sequence, numNew);
    }

    private int pickNext(List<Request> candidates) {
        try {
            if (prefixCache != null && policy.usesCachedPrefixEstimates()) {
                for (int i = 0; i < candidates.size(); i++) {
                    Request request = candidates.get(i);
                    if (request.status() == Request.Status.WAITING) {
                        request.setNumCachedPrefixEstimate(prefixCache.estimateCachedTokens(request));
                    }
                }
            }
            int index = policy.pickNext(candidates, System.nanoTime());
            if (index < 0 || index >= candidates.size()) {
                throw new IllegalStateException("policy picked index " + index + " of " + candidates.size() + " candidates");
            }
            return index;
        } catch (RuntimeException e) {
            onPolicyFailure.accept(e);
            return fallbackPolicy.pickNext(candidates, System.nanoTime());
        }
    }

    /**
     * Brings a swapped request's blocks back: allocates them together with the slots of the step's
     * {@code numNew} tokens, all or nothing, and copies the KV in. Returns false when the pool has no room yet
     * (the request keeps waiting, its swapped KV kept); a swap space that lost the blocks makes the request
     * recompute instead.
     */
    private boolean swapIn(Request request, KvSequence sequence, int numNew) {
        int numTokens = request.numSwappedTokens();
        if (!allocate(sequence, request.numSwappedSlots() + numNew)) {
            kvCache.free(sequence);
            return false;
        }
        boolean restored = swapSpace != null && swapSpace.swapIn(request, kvCache.blockTable(sequence));
        if (swapSpace != null) {
            swapSpace.discard(request);
        }
        request.setSwapped(0, 0);
        if (!restored) {
            request.clearSlotScores();
            kvCache.free(sequence);
            return false;
        }
        request.resumeSwapped(numTokens);
        numSwapsIn++;
        return true;
    }

    private void preempt(Request victim) {
        KvSequence sequence = victim.kvSequence();
        int numComputed = victim.numComputedTokens();
        int numBlocks = kvCache.blockTable(sequence).numBlocks();
        int numSlots = kvCache.numTokens(sequence);
        boolean swapped = false;
        if (swapSpace != null && choosePreemption(numBlocks, numComputed) == PreemptionPolicy.Mode.SWAP) {
            swapped = swapSpace.swapOut(victim, kvCache.blockTable(sequence));
        }
        kvCache.free(sequence);
        victim.preempt();
        if (swapped) {
            victim.setSwapped(numComputed, numSlots);
            numSwapsOut++;
        } else {
            victim.clearSlotScores();
        }
        waiting.addFirst(victim);
        batch.countPreemption();
        numPreemptionsTotal++;
    }

    /** The preemption policy's choice; a policy that throws gets RECOMPUTE, which always works. */
    private PreemptionPolicy.Mode choosePreemption(int numBlocks, int numComputed) {
        try {
            return preemptionPolicy.choose(numBlocks, bytesPerBlock, numComputed);
        } catch (RuntimeException e) {
            onPolicyFailure.accept(e);
            return PreemptionPolicy.Mode.RECOMPUTE;
        }
    }

    /** Ends a request: its blocks go back to the pool at once. */
    public void finish(Request request) {
        if (request.status() == Request.Status.RUNNING) {
            kvCache.free(request.kvSequence());
            running.remove(request);
        } else if (request.status() == Request.Status.WAITING) {
            waiting.remove(request);
        }
        request.finish();
        notifyFinished(request);
    }

    private void notifyFinished(Request request) {
        if (request.numSwappedTokens() > 0 && swapSpace != null) {
            swapSpace.discard(request);
            request.setSwapped(0, 0);
        }
        try {
            policy.onFinished(request);
        } catch (RuntimeException e) {
            onPolicyFailure.accept(e);
        }
    }

    /** Tells the policy what a request received in a step. */
    public void charge(Request request, int numPromptTokens, int numGeneratedTokens, double blockSeconds) {
        try {
            policy.charge(request, numPromptTokens, numGeneratedTokens, blockSeconds);
        } catch (RuntimeException e) {
            onPolicyFailure.accept(e);
        }
    }

    /** Finishes every request whose cancellation was asked for, handing each to {@code onCancelled}. */
    public void removeCancelled(Consumer<Request> onCancelled) {
        removeCancelled(running.iterator(), onCancelled);
        removeCancelled(waiting.iterator(), onCancelled);
    }

    private void removeCancelled(Iterator<Request> requests, Consumer<Request> onCancelled) {
        while (requests.hasNext()) {
            Request request = requests.next();
            if (request.isCancelRequested()) {
                requests.remove();
                if (request.status() == Request.Status.RUNNING) {
                    kvCache.free(request.kvSequence());
                }
                request.finish();
                notifyFinished(request);
                onCancelled.accept(request);
            }
        }
    }

    /** Finishes every request (shutdown or engine failure), handing each to {@code onRemoved}. */
    public void removeAll(Consumer<Request> onRemoved) {
        for (Request request : List.copyOf(running)) {
            finish(request);
            onRemoved.accept(request);
        }
        for (Request request : List.copyOf(waiting)) {
            finish(request);
            onRemoved.accept(request);
        }
    }
}
