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
 * <p>A token may collect attention statistics into a statistics row: the attention weights it gives each slot of
 * its sequence, summed over layers and heads, are added to the row. Rows are numbered from 0 in the order
 * {@link #newStatsRow()} hands them out; tokens that share a row are summed (one row per sequence sums the step),
 * a row per token keeps each query apart.
 *
 * <p>Invariants: {@code numTokens <= maxTokens}; {@code numSeqs <= maxSeqs}; {@code numStatsRows <= maxTokens};
 * a sequence's tokens are added in increasing slot order; every slot {@code s} of sequence {@code q} has a block
 * in {@code blockTable(q)[s / blockSize]}; the tokens of one statistics row belong to one sequence.
 */
public final class ForwardBatch {

    /** The statistics row of a token that collects no attention statistics. */
    public static final int NO_STATS = -1;

    private final int maxTokens;
    private final int maxSeqs;
    private final int[] tokens;
    private final int[] positions;
    private final int[] seqOfToken;
    private final int[] slots;
    /** Each token's statistics row, or {@link #NO_STATS} when it collects none. */
    private final int[] statsRows;
    private final int[][] blockTables;
    private final int[] logitsTokens;
    private int numTokens;
    private int numSeqs;
    private int numLogits;
    private int numStatsRows;

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
        this.statsRows = new int[maxTokens];
        this.blockTables = new int[maxSeqs][];
        this.logitsTokens = new int[maxTokens];
    }

    /** Empties the batch for the next step. */
    public void clear() {
        numTokens = 0;
        numLogits = 0;
        numStatsRows = 0;
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
        addToken(seq, token, position, position, wantLogits, NO_STATS);
    }

    /**
     * A new statistics row for this step, for the tokens of one sequence; a step has at most {@code maxTokens}
     * rows (as many as tokens).
     */
    public int newStatsRow() {
        if (numStatsRows == maxTokens) {
            throw new IllegalStateException("batch already holds " + maxTokens + " statistics rows");
        }
        return numStatsRows++;
    }

    /**
     * Adds one token of sequence {@code seq}.
     *
     * @param position the token's position (RoPE)
     * @param slot the cache slot its K and V go to; it attends to slots {@code 0..slot}
     * @param wantLogits whether the step returns its next-token logits
     * @param statsRow the statistics row ({@link #newStatsRow()}) the attention weights it gives each slot are added
     *     to, or {@link #NO_STATS}
     */
    public void addToken(int seq, int token, int position, int slot, boolean wantLogits, int statsRow) {
        if (numTokens == maxTokens) {
            throw new IllegalStateException("batch already holds " + maxTokens + " tokens");
        }
        assert seq >= 0 && seq < numSeqs : "unknown sequence " + seq;
        assert position >= 0;
        assert slot >= 0 && slot <= position;
        assert statsRow == NO_STATS || (statsRow >= 0 && statsRow < numStatsRows) : "unknown statistics row " + statsRow;
        tokens[numTokens] = token;
        positions[numTokens] = position;
        slots[numTokens] = slot;
        statsRows[numTokens] = statsRow;
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

    /** Statistics rows handed out this step. */
    public int numStatsRows() {
        return numStatsRows;
    }

    /** The statistics row of token {@code index}, or {@link #NO_STATS}. */
    public int statsRow(int index) {
        return statsRows[index];
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
