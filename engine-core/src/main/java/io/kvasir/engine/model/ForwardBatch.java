package io.kvasir.engine.model;

/**
 * The tokens of one engine step, reused from step to step (no allocation per step).
 *
 * <p>There is no prefill or decode phase: each sequence contributes a run of consecutive positions
 * (a whole prompt, a chunk of one, or a single decode token), and any token may ask for logits.
 *
 * <p>A token has a position (what RoPE encodes) and a slot (where its K and V go in the sequence's cache, and
 * how many cached slots it attends to). They are equal until an eviction policy drops positions; after that
 * slots are dense while positions keep counting.
 *
 * <p>Invariants: {@code numTokens <= maxTokens}; {@code numSeqs <= maxSeqs}; a sequence's tokens are
 * added in increasing slot order; every slot {@code s} of sequence {@code q} has a block in
 * {@code blockTable(q)[s / blockSize]}.
 */
public final class ForwardBatch {

    private final int maxTokens;
    private final int maxSeqs;
    private final int[] tokens;
    private final int[] positions;
    private final int[] seqOfToken;
    private final int[] slots;
    private final boolean[] collectsAttention;
    private final int[][] blockTables;
    private final int[] logitsTokens;
    private int numTokens;
    private int numSeqs;
    private int numLogits;

    public ForwardBatch(int maxTokens, int maxSeqs) {
        if (maxTokens <= 0 || maxSeqs <= 0) {
            throw new IllegalArgumentException("maxTokens and maxSeqs must be positive");
        }
        this.maxTokens = maxTokens;
        this.maxSeqs = maxSeqs;
        this.tokens = new int[maxTokens];
        this.positions = new int[maxTokens];
        this.seqOfToken = new int[maxTokens];
        this.slots = new int[maxTokens];
        this.collectsAttention = new boolean[maxTokens];
        this.blockTables = new int[maxSeqs][];
        this.logitsTokens = new int[maxTokens];
    }

    /** Empties the batch for the next step. */
    public void clear() {
        numTokens = 0;
        numLogits = 0;
        for (int i = 0; i < numSeqs; i++) {
            blockTables[i] = null;
        }
        numSeqs = 0;
    }

    /**
     * Adds a sequence whose KV lives in the blocks of {@code blockTable}.
     *
     * @return the sequence's index in this batch
     */
    public int addSequence(int[] blockTable) {
        if (numSeqs == maxSeqs) {
            throw new IllegalStateException("batch already holds " + maxSeqs + " sequences");
        }
        blockTables[numSeqs] = blockTable;
        return numSeqs++;
    }

    /** Adds one token of sequence {@code seq} whose slot is its position; {@code wantLogits} asks for its next-token logits. */
    public void addToken(int seq, int token, int position, boolean wantLogits) {
        addToken(seq, token, position, position, wantLogits, false);
    }

    /**
     * Adds one token of sequence {@code seq}.
     *
     * @param position the token's position (RoPE)
     * @param slot the cache slot its K and V go to; it attends to slots {@code 0..slot}
     * @param wantLogits whether the step returns its next-token logits
     * @param collectAttention whether the attention weights it gives each slot are summed into the step's statistics
     */
    public void addToken(int seq, int token, int position, int slot, boolean wantLogits, boolean collectAttention) {
        if (numTokens == maxTokens) {
            throw new IllegalStateException("batch already holds " + maxTokens + " tokens");
        }
        assert seq >= 0 && seq < numSeqs : "unknown sequence " + seq;
        assert position >= 0;
        assert slot >= 0 && slot <= position;
        tokens[numTokens] = token;
        positions[numTokens] = position;
        slots[numTokens] = slot;
        collectsAttention[numTokens] = collectAttention;
        seqOfToken[numTokens] = seq;
        if (wantLogits) {
            logitsTokens[numLogits++] = numTokens;
        }
        numTokens++;
    }

    public int maxTokens() {
        return maxTokens;
    }

    public int maxSeqs() {
        return maxSeqs;
    }

    public int numTokens() {
        return numTokens;
    }

    public int numSeqs() {
        return numSeqs;
    }

    /** Number of tokens that asked for logits; the forward pass returns this many rows, in order. */
    public int numLogits() {
        return numLogits;
    }

    public int token(int index) {
        return tokens[index];
    }

    public int position(int index) {
        return positions[index];
    }

    public int slot(int index) {
        return slots[index];
    }

    public boolean collectsAttention(int index) {
        return collectsAttention[index];
    }

    public int seqOfToken(int index) {
        return seqOfToken[index];
    }

    public int[] blockTable(int seq) {
        return blockTables[seq];
    }

    /** The batch index of the {@code i}-th token that asked for logits. */
    public int logitsToken(int i) {
        return logitsTokens[i];
    }
}
