package io.kvasir.engine.sched;

import java.util.Arrays;

import org.jspecify.annotations.Nullable;

import io.kvasir.api.GenerationListener;
import io.kvasir.api.GenerationRequest;
import io.kvasir.api.plugin.SchedulingPolicy;
import io.kvasir.engine.kv.KvSequence;

/**
 * A request inside the engine: its tokens so far and how many of them have their KV computed.
 *
 * <p>There is no prefill or decode phase: a request has {@code numTokens} (prompt plus generated) and
 * {@code numComputedTokens} behind it; each step computes some of the difference, and when none is left
 * after the step the request samples its next token.
 *
 * <p>Invariants: {@code 0 <= numComputedTokens <= numTokens}; a request holds a {@link KvSequence} exactly
 * while it is running, and that sequence holds {@code numComputedTokens} slots between steps.
 * Owned by the engine loop thread except {@link #requestCancel()}, which any thread may call.
 */
public final class Request implements SchedulingPolicy.Candidate {

    /** Where a request is. */
    public enum Status { WAITING, RUNNING, FINISHED }

    private final GenerationRequest spec;
    private final GenerationListener listener;
    private final long arrivalNanos;
    private final int numPromptTokens;
    private int[] tokens;
    private int numTokens;
    private int numComputedTokens;
    private int numCachedPromptTokens;
    private int numPreemptions;
    private int numBlocksHeld;
    private int numEvictedTokens;
    private long firstTokenNanos;
    private @Nullable KvSequence kvSequence;
    private Status status = Status.WAITING;
    private volatile boolean cancelRequested;
    private @Nullable Object engineState;
    private int numCachedPrefixEstimate;
    private int numBlocksPublished;
    private int numSwappedTokens;
    private int numSwappedSlots;
    private int[] slotPositions = new int[0];
    private float[] slotScores = new float[0];

    public Request(GenerationRequest spec, GenerationListener listener, long arrivalNanos, int maxTokens) {
        this.spec = spec;
        this.listener = listener;
        this.arrivalNanos = arrivalNanos;
        this.numPromptTokens = spec.numPromptTokens();
        this.tokens = Arrays.copyOf(spec.promptTokens(), Math.max(numPromptTokens + 1, Math.min(maxTokens, numPromptTokens + 256)));
        this.numTokens = numPromptTokens;
    }

    public GenerationRequest spec() {
        return spec;
    }

    @Override
    public String requestId() {
        return spec.requestId();
    }

    @Override
    public String tenantId() {
        return spec.tenantId();
    }

    @Override
    public double tenantWeight() {
        return spec.tenantWeight();
    }

    @Override
    public int priority() {
        return spec.priority();
    }

    /**
     * Waiting: the prefix cache's estimate. Running: at least the prompt tokens computed so far, which the cache
     * holds, so a policy ordering the rest of a prefill sees only what is left of it.
     */
    @Override
    public int numCachedPrefixTokens() {
        if (status == Status.RUNNING) {
            return Math.max(numCachedPrefixEstimate, Math.min(numComputedTokens, numPromptTokens));
        }
        return numCachedPrefixEstimate;
    }

    /** Sets the prefix-cache estimate scheduling policies see. */
    public void setNumCachedPrefixEstimate(int numTokens) {
        this.numCachedPrefixEstimate = numTokens;
    }

    public GenerationListener listener() {
        return listener;
    }

    @Override
    public long arrivalNanos() {
        return arrivalNanos;
    }

    @Override
    public int numPromptTokens() {
        return numPromptTokens;
    }

    public int numTokens() {
        return numTokens;
    }

    public int numGeneratedTokens() {
        return numTokens - numPromptTokens;
    }

    public int numComputedTokens() {
        return numComputedTokens;
    }

    /** Tokens whose KV still has to be computed. */
    public int numUncomputedTokens() {
        return numTokens - numComputedTokens;
    }

    public int token(int index) {
        assert index < numTokens;
        return tokens[index];
    }

    /** The token array itself (valid up to {@link #numTokens()}), for prefix lookups; callers must not write it. */
    public int[] tokenArray() {
        return tokens;
    }

    /** Appends a generated token (amortised growth; no allocation in steady state). */
    public void appendToken(int token) {
        if (numTokens == tokens.length) {
            tokens = Arrays.copyOf(tokens, tokens.length * 2);
        }
        tokens[numTokens++] = token;
    }

    /** Records that a step computed the KV of {@code n} more tokens. */
    public void advanceComputed(int n) {
        numComputedTokens += n;
        assert numComputedTokens <= numTokens : numComputedTokens + " > " + numTokens;
    }

    /**
     * Marks tokens whose KV was found in the prefix cache. On first admission they count as cached prompt
     * tokens (reported in usage); on resumption after preemption they only save recomputation.
     */
    void skipCachedTokens(int n) {
        assert numComputedTokens == 0 && n < numTokens;
        numComputedTokens = n;
        if (numPreemptions == 0) {
            numCachedPromptTokens = Math.min(n, numPromptTokens);
        }
    }

    /** Forgets the slot statistics: the request recomputes from scratch. */
    void clearSlotScores() {
        Arrays.fill(slotScores, 0f);
    }

    /** Marks tokens whose KV came back from the swap space. */
    void resumeSwapped(int numTokens) {
        assert numComputedTokens == 0 && numTokens <= this.numTokens;
        numComputedTokens = numTokens;
    }

    /** Forgets tokens counted as cached when admission did not go through. */
    void undoAdmission() {
        numComputedTokens = 0;
        if (numPreemptions == 0) {
            numCachedPromptTokens = 0;
        }
    }

    /** Full blocks of this request already offered to the prefix cache. */
    public int numBlocksPublished() {
        return numBlocksPublished;
    }

    public void setNumBlocksPublished(int numBlocks) {
        this.numBlocksPublished = numBlocks;
    }

    public int numCachedPromptTokens() {
        return numCachedPromptTokens;
    }

    public int numPreemptions() {
        return numPreemptions;
    }

    /** The most KV blocks the request has held at once, as {@link #noteBlocksHeld} was told. */
    public int numBlocksHeld() {
        return numBlocksHeld;
    }

    /** Tells the request how many KV blocks it holds now (once per step it runs). */
    public void noteBlocksHeld(int numBlocks) {
        numBlocksHeld = Math.max(numBlocksHeld, numBlocks);
    }

    /** Cache positions an eviction policy dropped from this request's KV so far. */
    public int numEvictedTokens() {
        return numEvictedTokens;
    }

    /** Counts positions an eviction policy dropped from this request's KV. */
    public void addEvictedTokens(int numTokens) {
        numEvictedTokens += numTokens;
    }

    public @Nullable KvSequence kvSequence() {
        return kvSequence;
    }

    public Status status() {
        return status;
    }

    void startRunning(KvSequence sequence) {
        assert kvSequence == null;
        kvSequence = sequence;
        status = Status.RUNNING;
    }

    /** The position each cache slot holds (slots and positions differ once an eviction policy dropped some). */
    public int[] slotPositions() {
        return slotPositions;
    }

    /** Attention statistics per cache slot, for eviction policies that need them. */
    public float[] slotScores() {
        return slotScores;
    }

    /** Makes room to track {@code numSlots} slots. */
    public void ensureSlotCapacity(int numSlots) {
        if (slotPositions.length < numSlots) {
            int capacity = Math.max(numSlots, slotPositions.length * 2);
            slotPositions = Arrays.copyOf(slotPositions, capacity);
            slotScores = Arrays.copyOf(slotScores, capacity);
        }
    }

    /** Tokens whose KV sits in the swap space while the request waits (0 when it recomputes). */
    public int numSwappedTokens() {
        return numSwappedTokens;
    }

    /** Cache slots the swapped KV fills (fewer than the tokens when an eviction policy dropped positions). */
    public int numSwappedSlots() {
        return numSwappedSlots;
    }

    void setSwapped(int numTokens, int numSlots) {
        this.numSwappedTokens = numTokens;
        this.numSwappedSlots = numSlots;
    }

    /** Drops the KV: the request goes back to waiting and recomputes everything when resumed. */
    void preempt() {
        kvSequence = null;
        numComputedTokens = 0;
        numBlocksPublished = 0;
        numPreemptions++;
        status = Status.WAITING;
    }

    void finish() {
        kvSequence = null;
        status = Status.FINISHED;
    }

    public long firstTokenNanos() {
        return firstTokenNanos;
    }

    public void markFirstToken(long nanos) {
        if (firstTokenNanos == 0) {
            firstTokenNanos = nanos;
        }
    }

    /** Asks the engine to stop this request at its next step; safe from any thread. */
    public void requestCancel() {
        cancelRequested = true;
    }

    public boolean isCancelRequested() {
        return cancelRequested;
    }

    /** Per-request state the engine loop attaches (sampler, detokenizer, stop matcher). */
    public @Nullable Object engineState() {
        return engineState;
    }

    public void attachEngineState(Object state) {
        this.engineState = state;
    }

    @Override
    public String toString() {
        return spec.requestId() + "[" + status + " " + numComputedTokens + "/" + numTokens + "]";
    }
}
