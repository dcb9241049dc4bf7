package io.kvasir.engine.model;

/**
 * The tokens of one engine step, reused from step to step (no allocation per step).
 *
 * <p>There is no prefill or decode phase: each sequence contributes a run of consecutive positions
 * (a whole prompt, a chunk of one, or a single decode token), and any token may ask for logits.
 *
 * <p>Invariants: {@code numTokens <= maxTokens}; {@code numSeqs <= maxSeqs}; a sequence's tokens are
 * added in increasing position order; every position {@code p} of sequence {@code s} has a block in
 * {@code blockTable(s)[p / blockSize]}.
 */
public final class ForwardBatch {

    private final int maxTokens;
    private final int maxSeqs;
    private final int[] tokens;
    private final int[] positions;
    private final int[] seqOfToken;
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

    /** Adds one token of sequence {@code seq} at {@code position}; {@code wantLogits} asks for its next-token logits. */
    public void addToken(int seq, int token, int position, boolean wantLogits) {
        if (numTokens == maxTokens) {
            throw new IllegalStateException("batch already holds " + maxTokens + " tokens");
        }
        assert seq >= 0 && seq < numSeqs : "unknown sequence " + seq;
        assert position >= 0;
        tokens[numTokens] = token;
        positions[numTokens] = position;
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
