package io.kvasir.engine.model;

import java.lang.foreign.MemorySegment;

import io.kvasir.api.plugin.KvBlockLayout;
import io.kvasir.engine.kernel.KernelChoice;
import io.kvasir.engine.kernel.MatMul;
import io.kvasir.engine.kernel.ParallelExecutor;
import io.kvasir.engine.kernel.ParallelTask;
import io.kvasir.engine.kernel.VectorOps;
import io.kvasir.engine.kernel.WeightMatrix;
import jdk.incubator.vector.FloatVector;

/**
 * The Llama-family forward pass on the CPU over a paged KV cache: RMSNorm, RoPE, grouped-query attention
 * through block tables, SwiGLU.
 *
 * <p>One call runs one batched step over every token of a {@link ForwardBatch}: each weight matrix is
 * streamed once for all tokens of the step. All activation buffers are allocated at construction for
 * at most {@code maxTokens} tokens; {@code forward} only writes.
 *
 * <p>Not thread-safe: one engine loop drives one model instance.
 */
public final class LlamaModel {

    /**
     * Floats past {@code maxPositions} in each score row: a layout's masked store of a block's partial last chunk
     * then lies inside the array. A masked store reaching past the array's end takes the Vector API's checking
     * path, which the JIT first meets when a sequence nears the context limit; it deoptimises the kernel there and
     * runs it interpreted (allocating every vector) until it has compiled it again.
     */
    private static final int SCORE_PADDING = FloatVector.SPECIES_MAX.length();

    private final LlamaConfig config;
    private final LlamaWeights weights;
    private final ParallelExecutor executor;
    private final MatMul matMul;
    private final int maxTokens;
    private final int maxPositions;

    private final float[] x;
    private final float[] xb;
    private final float[] q;
    private final float[] k;
    private final float[] v;
    private final float[] attnOut;
    private final float[] proj;
    private final float[] gate;
    private final float[] up;
    private final float[] ropeCos;
    private final float[] ropeSin;
    private final float[] ropeInvFreq;
    private final float[] logitsInput;
    private final float[] logits;
    private final float[][] scoreScratch;
    /**
     * Per worker, per statistics row ({@link ForwardBatch#newStatsRow()}), per slot: attention weight received this
     * step from the row's tokens, summed over layers and heads. Allocated at the first step that collects, for
     * {@code statsRowCapacity} rows, and grown (up to {@code maxTokens} rows) only when a step needs more.
     */
    private final float[][] attentionStats;
    private int statsRowCapacity;
    private final AttentionTask attentionTask = new AttentionTask();

    /**
     * @param maxTokens the most tokens one step may carry (the step's token budget)
     * @param maxPositions the longest sequence (context) the caller will run
     */
    public LlamaModel(LlamaConfig config, LlamaWeights weights, ParallelExecutor executor, int maxTokens, int maxPositions) {
        this(config, weights, executor, maxTokens, maxPositions, 1);
    }

    /**
     * @param maxSeqs the most sequences one step may carry (the statistics rows first allocated: one per sequence)
     */
    public LlamaModel(LlamaConfig config, LlamaWeights weights, ParallelExecutor executor, int maxTokens, int maxPositions,
            int maxSeqs) {
        this(config, weights, executor, maxTokens, maxPositions, maxSeqs, KernelChoice.configured());
    }

    /**
     * @param kernels the matrix kernels (see {@link MatMul#MatMul(ParallelExecutor, KernelChoice)})
     */
    public LlamaModel(LlamaConfig config, LlamaWeights weights, ParallelExecutor executor, int maxTokens, int maxPositions,
            int maxSeqs, KernelChoice kernels) {
        if (maxTokens <= 0 || maxPositions <= 0) {
            throw new IllegalArgumentException("maxTokens and maxPositions must be positive");
        }
        this.config = config;
        this.weights = weights;
        this.executor = executor;
        this.matMul = new MatMul(executor, kernels);
        this.maxTokens = maxTokens;
        this.maxPositions = maxPositions;
        int dim = config.dim();
        x = new float[maxTokens * dim];
        xb = new float[maxTokens * Math.max(dim, config.qDim())];
        q = new float[maxTokens * config.qDim()];
        k = new float[maxTokens * config.kvDim()];
        v = new float[maxTokens * config.kvDim()];
        attnOut = new float[maxTokens * config.qDim()];
        proj = new float[maxTokens * dim];
        gate = new float[maxTokens * config.ffnDim()];
        up = new float[maxTokens * config.ffnDim()];
        int half = config.ropeDim() / 2;
        ropeCos = new float[maxTokens * half];
        ropeSin = new float[maxTokens * half];
        ropeInvFreq = new float[half];
        float[] factors = weights.ropeFreqFactors();
        for (int i = 0; i < half; i++) {
            double freq = Math.pow(config.ropeTheta(), -2.0 * i / config.ropeDim());
            ropeInvFreq[i] = (float) (freq / config.ropeScale() / (factors == null ? 1.0 : factors[i]));
        }
        logitsInput = new float[maxTokens * dim];
        logits = new float[maxTokens * config.vocabSize()];
        scoreScratch = new float[executor.numThreads()][maxPositions + SCORE_PADDING];
        this.statsRowCapacity = Math.max(1, Math.min(maxSeqs, maxTokens));
        attentionStats = new float[executor.numThreads()][];
    }

    /** Whether this model's Q8_0 products run on the native kernels. */
    public boolean usesNativeKernels() {
        return matMul.usesNativeKernels();
    }

    public LlamaConfig config() {
        return config;
    }

    public int maxTokens() {
        return maxTokens;
    }

    public int maxPositions() {
        return maxPositions;
    }

    /**
     * Runs one step: writes every token's K and V into {@code kv} at its position's slot and returns the
     * logits of the tokens that asked for them, {@code batch.numLogits()} rows of {@code vocabSize}
     * floats, in the order they were added. The returned array is reused by the next call.
     */
    public float[] forward(ForwardBatch batch, PagedKvMemory kv) {
        int numTokens = batch.numTokens();
        clearAttentionStats(batch);
        if (numTokens == 0) {
            return logits;
        }
        if (numTokens > maxTokens) {
            throw new IllegalArgumentException("step of " + numTokens + " tokens exceeds maxTokens " + maxTokens);
        }
        int dim = config.dim();
        WeightMatrix embedding = weights.tokenEmbedding();
        for (int t = 0; t < numTokens; t++) {
            int token = batch.token(t);
            if (token < 0 || token >= config.vocabSize()) {
                throw new IllegalArgumentException("token id " + token + " outside the vocabulary of " + config.vocabSize());
            }
            if (batch.position(t) >= maxPositions) {
                throw new IllegalArgumentException("position " + batch.position(t) + " beyond the context of " + maxPositions);
            }
            embedding.dequantizeRow(token, x, t * dim);
        }
        computeRopeAngles(batch);
        try {
            for (int l = 0; l < config.numLayers(); l++) {
                layer(l, batch, kv);
            }
        } finally {
            // A layer that failed before its attention finished leaves its sealed blocks' staging: it goes back here.
            kv.releaseSealed();
        }
        int numLogits = batch.numLogits();
        for (int i = 0; i < numLogits; i++) {
            int t = batch.logitsToken(i);
            rmsNorm(logitsInput, i * dim, x, t * dim, weights.outputNorm(), dim);
        }
        if (numLogits > 0) {
            matMul.multiply(weights.output(), logitsInput, numLogits, logits);
        }
        return logits;
    }

    private void layer(int l, ForwardBatch batch, PagedKvMemory kv) {
        LlamaWeights.Layer w = weights.layer(l);
        int numTokens = batch.numTokens();
        int dim = config.dim();
        for (int t = 0; t < numTokens; t++) {
            rmsNorm(xb, t * dim, x, t * dim, w.attnNorm(), dim);
        }
        matMul.multiply(w.wq(), xb, numTokens, q);
        matMul.multiply(w.wk(), xb, numTokens, k);
        matMul.multiply(w.wv(), xb, numTokens, v);
        if (w.bq() != null) {
            addBias(q, w.bq(), numTokens);
            addBias(k, w.bk(), numTokens);
            addBias(v, w.bv(), numTokens);
        }
        applyRope(q, config.numHeads(), numTokens);
        applyRope(k, config.numKvHeads(), numTokens);
        storeKv(l, batch, kv);
        attentionTask.prepare(l, batch, kv);
        executor.parallelFor(executor.numThreads(), attentionTask);
        // Blocks this layer sealed kept their staging for the scores of the queries written into them before.
        kv.releaseSealed();
        matMul.multiply(w.wo(), attnOut, numTokens, proj);
        VectorOps.add(x, 0, x, 0, proj, 0, numTokens * dim);

        for (int t = 0; t < numTokens; t++) {
            rmsNorm(xb, t * dim, x, t * dim, w.ffnNorm(), dim);
        }
        matMul.multiply(w.wGate(), xb, numTokens, gate);
        matMul.multiply(w.wUp(), xb, numTokens, up);
        VectorOps.swiglu(gate, 0, gate, 0, up, 0, numTokens * config.ffnDim());
        matMul.multiply(w.wDown(), gate, numTokens, proj);
        VectorOps.add(x, 0, x, 0, proj, 0, numTokens * dim);
    }

    private void storeKv(int layer, ForwardBatch batch, PagedKvMemory kv) {
        int kvDim = config.kvDim();
        int blockSize = kv.blockSize();
        for (int t = 0; t < batch.numTokens(); t++) {
            int cacheSlot = batch.slot(t);
            int block = batch.blockTable(batch.seqOfToken(t))[cacheSlot / blockSize];
            kv.writeToken(layer, block, cacheSlot % blockSize, k, t * kvDim, v, t * kvDim);
        }
    }

    /** Attention of every (token, query head) pair, split in contiguous ranges over the worker threads. */
    private final class AttentionTask implements ParallelTask {
        private int layer;
        private ForwardBatch batch;
        private PagedKvMemory kv;

        void prepare(int layer, ForwardBatch batch, PagedKvMemory kv) {
            this.layer = layer;
            this.batch = batch;
            this.kv = kv;
        }

        @Override
        public void run(int chunk, int worker) {
            int numHeads = config.numHeads();
            int total = batch.numTokens() * numHeads;
            int numChunks = executor.numThreads();
            int from = (int) ((long) total * chunk / numChunks);
            int to = (int) ((long) total * (chunk + 1) / numChunks);
            float[] scores = scoreScratch[worker];
            for (int i = from; i < to; i++) {
                attend(i / numHeads, i % numHeads, scores, worker);
            }
        }

        /** softmax(q·K / sqrt(d)) · V over the sequence's positions 0..pos, block by block on the encoded KV. */
        private void attend(int t, int head, float[] scores, int worker) {
            int headDim = config.headDim();
            int kvHead = head / config.groupSize();
            int seq = batch.seqOfToken(t);
            int[] blockTable = batch.blockTable(seq);
            int blockSize = kv.blockSize();
            KvBlockLayout layout = kv.layout();
            int qOff = t * config.qDim() + head * headDim;
            float scale = (float) (1.0 / Math.sqrt(headDim));
            int numPositions = batch.slot(t) + 1;
            int ownBlock = (numPositions - 1) / blockSize;
            for (int start = 0, j = 0; start < numPositions; start += blockSize, j++) {
                int n = Math.min(blockSize, numPositions - start);
                int block = blockTable[j];
                // Blocks before the query's own are full, hence sealed. Its own block is scored as it stood when the
                // query was written: through the staging while the query is not its last slot, even if a later token
                // of this step sealed it, so chunked prefill and decoding see the same keys.
                MemorySegment staging = j == ownBlock
                        ? kv.queryStaging(layer, block, (numPositions - 1) % blockSize, kvHead) : MemorySegment.NULL;
                layout.keyScores(kv.region(layer, block, kvHead), staging, n, q, qOff, scale, scores, start);
            }
            VectorOps.softmax(scores, 0, numPositions);
            int statsRow = batch.statsRow(t);
            if (statsRow != ForwardBatch.NO_STATS) {
                float[] stats = attentionStats[worker];
                int base = statsRow * maxPositions;
                for (int j = 0; j < numPositions; j++) {
                    stats[base + j] += scores[j];
                }
            }
            int outOff = t * config.qDim() + head * headDim;
            java.util.Arrays.fill(attnOut, outOff, outOff + headDim, 0f);
            for (int start = 0, j = 0; start < numPositions; start += blockSize, j++) {
                int n = Math.min(blockSize, numPositions - start);
                layout.accumulateValues(kv.region(layer, blockTable[j], kvHead), n, scores, start, attnOut, outOff);
            }
        }
    }

    private void clearAttentionStats(ForwardBatch batch) {
        int numRows = batch.numStatsRows();
        if (numRows == 0) {
            return;
        }
        if (numRows > maxTokens) {
            throw new IllegalArgumentException("attention statistics sized for " + maxTokens + " rows, got " + numRows);
        }
        boolean grow = numRows > statsRowCapacity;
        if (grow) {
            statsRowCapacity = (int) Math.min(maxTokens, Math.max(numRows, 2L * statsRowCapacity));
        }
        for (int w = 0; w < attentionStats.length; w++) {
            if (attentionStats[w] == null || grow) {
                attentionStats[w] = new float[statsRowCapacity * maxPositions];
            }
            java.util.Arrays.fill(attentionStats[w], 0, numRows * maxPositions, 0f);
        }
    }

    /**
     * Adds the attention weight each slot received in the last step from the tokens of statistics row {@code row}
     * (summed over layers and heads) to {@code into[0..numSlots)}.
     */
    public void addAttentionStats(int row, int numSlots, float[] into) {
        for (float[] stats : attentionStats) {
            if (stats == null) {
                return;
            }
            int base = row * maxPositions;
            for (int j = 0; j < numSlots; j++) {
                into[j] += stats[base + j];
            }
        }
    }

    private void computeRopeAngles(ForwardBatch batch) {
        int half = config.ropeDim() / 2;
        for (int t = 0; t < batch.numTokens(); t++) {
            int pos = batch.position(t);
            for (int i = 0; i < half; i++) {
                double angle = (double) pos * ropeInvFreq[i];
                ropeCos[t * half + i] = (float) Math.cos(angle);
                ropeSin[t * half + i] = (float) Math.sin(angle);
            }
        }
    }

    /** Rotates the first ropeDim dimensions of every head: adjacent pairs (Llama) or halves (NeoX). */
    private void applyRope(float[] vec, int numHeads, int numTokens) {
        int headDim = config.headDim();
        int half = config.ropeDim() / 2;
        boolean neox = config.ropeNeox();
        int width = numHeads * headDim;
        for (int t = 0; t < numTokens; t++) {
            for (int h = 0; h < numHeads; h++) {
                int base = t * width + h * headDim;
                for (int i = 0; i < half; i++) {
                    float cos = ropeCos[t * half + i];
                    float sin = ropeSin[t * half + i];
                    int a = neox ? base + i : base + 2 * i;
                    int b = neox ? base + i + half : base + 2 * i + 1;
                    float x0 = vec[a];
                    float x1 = vec[b];
                    vec[a] = x0 * cos - x1 * sin;
                    vec[b] = x0 * sin + x1 * cos;
                }
            }
        }
    }

    private void rmsNorm(float[] out, int outOff, float[] in, int inOff, float[] weight, int n) {
        VectorOps.rmsNorm(out, outOff, in, inOff, weight, config.rmsEps(), n);
    }

    private static void addBias(float[] vec, float[] bias, int numTokens) {
        int width = bias.length;
        for (int t = 0; t < numTokens; t++) {
            for (int i = 0; i < width; i++) {
                vec[t * width + i] += bias[i];
            }
        }
    }
}
