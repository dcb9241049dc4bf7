package io.kvasir.engine.sample;

import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

import io.kvasir.api.SamplingParams;

/**
 * Chooses one sequence's next token from a row of logits, in llama.cpp's default order: penalties, top-k,
 * top-p, min-p, temperature, softmax, a seeded draw. Temperature 0 is argmax after the penalties (the
 * lowest id on ties; the truncations cannot change it).
 *
 * <p>Semantics worth knowing:
 * <ul>
 *   <li>The repetition penalty (llama.cpp) looks at the last {@code penaltyLastN} tokens given to
 *       {@link #acceptPrompt} and {@link #accept}; the frequency and presence penalties (OpenAI) count only
 *       tokens given to {@link #accept}, over the whole generation. The engine calls {@code accept} for
 *       each token it appends, so a rejected speculative token is never counted.</li>
 *   <li>Top-p and min-p see the distribution at temperature 1, as in llama.cpp (vLLM applies temperature
 *       first). After top-k, top-p's probabilities are renormalised over the k survivors.</li>
 *   <li>The draw walks the candidates in a fixed order (best first after top-k, id order otherwise), so
 *       that a seed reproduces tokens on one machine. Exponentials come from the Vector API, so another
 *       CPU may differ in the last ulp and, rarely, in a token.</li>
 *   <li>Log-probabilities are the log-softmax of the raw logits given to {@link #sample}: before penalties,
 *       temperature and truncation, as vLLM reports by default. They describe the model, not the sampling
 *       settings, so greedy and sampled requests report comparable numbers.</li>
 *   <li>Logits are expected finite or {@code -Infinity} (masked); NaN counts as {@code -Infinity}. No
 *       logits make {@code sample} throw.</li>
 * </ul>
 *
 * <p>Every buffer is allocated in the constructor, and only those the parameters need: {@code sample}
 * and {@code accept} allocate nothing. Not thread-safe; one per sequence.
 *
 * <p>Invariants:
 * <ul>
 *   <li>between calls, {@code windowCounts[t]} is the number of times t occurs in the penalty window;</li>
 *   <li>{@code generatedCounts[t] > 0} exactly for the tokens in {@code distinctGenerated[0..numDistinctGenerated)};</li>
 *   <li>a non-greedy {@code sample} draws exactly one random number, so the same seed and the same logits
 *       give the same tokens.</li>
 * </ul>
 */
public final class Sampler {

    private final SamplingParams params;
    private final int maxVocabSize;
    private final long seed;
    private final Xoshiro256StarStar random;

    private final boolean greedy;
    private final float invTemperature;
    private final int topK;
    private final double topP;
    private final boolean minPEnabled;
    private final float logMinP;
    private final float repetitionPenalty;
    private final float frequencyPenalty;
    private final float presencePenalty;

    /** Ring of the last {@code penaltyLastN} accepted tokens; null when the repetition penalty is off. */
    private final int[] window;
    private final int[] windowCounts;
    private int numInWindow;
    private int nextWindowSlot;

    /** Generated-token counts for the OpenAI penalties; null when both are off. */
    private final int[] generatedCounts;
    private final int[] distinctGenerated;
    private int numDistinctGenerated;

    /** The logits row after penalties; null when no penalty is on. */
    private final float[] penalized;
    /** Candidate token ids and logits (later their unnormalised probabilities); null when greedy. */
    private final int[] candidateIds;
    private final float[] candidateValues;
    /** Sums of the candidate weights per {@link SoftmaxKernels#BLOCK_SIZE} block; null when greedy. */
    private final double[] blockSums;
    /** Candidate weights at temperature 1 and the mass histogram for top-p; null unless top-p is on. */
    private final float[] topPWeights;
    private final double[] topPBucketMass;

    private final int maxNumTopLogprobs;
    private final int[] topLogprobIds;
    private final float[] topLogprobValues;
    private int numTopLogprobs;
    private float sampledLogprob = Float.NaN;

    /**
     * A sampler for one sequence.
     *
     * @param params the request's sampling parameters
     * @param maxVocabSize the largest vocabulary {@link #sample} will be given (the logits row width)
     */
    public Sampler(SamplingParams params, int maxVocabSize) {
        this.params = Objects.requireNonNull(params, "params");
        if (maxVocabSize <= 0) {
            throw new IllegalArgumentException("maxVocabSize must be positive, got " + maxVocabSize);
        }
        this.maxVocabSize = maxVocabSize;
        this.seed = params.seed() != null ? params.seed() : ThreadLocalRandom.current().nextLong();
        this.random = new Xoshiro256StarStar(seed);

        greedy = params.isGreedy();
        invTemperature = greedy ? 0f : (float) (1.0 / params.temperature());
        topK = params.topK() > 0 ? params.topK() : 0;
        topP = params.topP();
        minPEnabled = params.minP() > 0;
        logMinP = minPEnabled ? (float) Math.log(params.minP()) : Float.NEGATIVE_INFINITY;
        repetitionPenalty = (float) params.repetitionPenalty();
        frequencyPenalty = (float) params.frequencyPenalty();
        presencePenalty = (float) params.presencePenalty();

        boolean repetitionOn = params.repetitionPenalty() != 1.0 && params.penaltyLastN() > 0;
        window = repetitionOn ? new int[params.penaltyLastN()] : null;
        windowCounts = repetitionOn ? new int[maxVocabSize] : null;
        boolean openAiPenaltiesOn = params.frequencyPenalty() != 0 || params.presencePenalty() != 0;
        generatedCounts = openAiPenaltiesOn ? new int[maxVocabSize] : null;
        distinctGenerated = openAiPenaltiesOn ? new int[maxVocabSize] : null;
        penalized = repetitionOn || openAiPenaltiesOn ? new float[maxVocabSize] : null;

        candidateIds = greedy ? null : new int[maxVocabSize];
        candidateValues = greedy ? null : new float[maxVocabSize];
        blockSums = greedy ? null : new double[SoftmaxKernels.numBlocks(maxVocabSize)];
        topPWeights = greedy || topP >= 1 ? null : new float[maxVocabSize];
        topPBucketMass = greedy || topP >= 1 ? null : new double[CandidateSelection.NUM_TOP_P_BUCKETS];

        maxNumTopLogprobs = params.logprobs() ? params.topLogprobs() : 0;
        topLogprobIds = new int[maxNumTopLogprobs];
        topLogprobValues = new float[maxNumTopLogprobs];
    }

    /** The parameters this sampler applies. */
    public SamplingParams params() {
        return params;
    }

    /** The seed in use: the request's, or the one drawn for it (so that a run can be reproduced). */
    public long seed() {
        return seed;
    }

    /**
     * Adds prompt tokens to the repetition-penalty window (llama.cpp counts the prompt; the OpenAI penalties
     * do not). Call once, before the first {@link #sample}.
     */
    public void acceptPrompt(int[] tokenIds, int fromIndex, int toIndex) {
        Objects.checkFromToIndex(fromIndex, toIndex, tokenIds.length);
        if (window == null) {
            return;
        }
        for (int i = Math.max(fromIndex, toIndex - window.length); i < toIndex; i++) {
            pushToWindow(checkedToken(tokenIds[i]));
        }
    }

    /** Records a token appended to the sequence, for the penalties of later draws. */
    public void accept(int tokenId) {
        checkedToken(tokenId);
        if (window != null) {
            pushToWindow(tokenId);
        }
        if (generatedCounts != null && generatedCounts[tokenId]++ == 0) {
            distinctGenerated[numDistinctGenerated++] = tokenId;
        }
    }

    /**
     * Chooses the next token.
     *
     * @param logits holds the row at {@code logits[offset .. offset + vocabSize)}; not modified
     * @param vocabSize the row width, at most the {@code maxVocabSize} given to the constructor
     * @return a token id in {@code [0, vocabSize)}
     */
    public int sample(float[] logits, int offset, int vocabSize) {
        if (vocabSize <= 0 || vocabSize > maxVocabSize) {
            throw new IllegalArgumentException("vocabSize must be in [1, " + maxVocabSize + "], got " + vocabSize);
        }
        Objects.checkFromIndexSize(offset, vocabSize, logits.length);
        float[] row = logits;
        int rowOffset = offset;
        if (penalized != null) {
            applyPenalties(logits, offset, vocabSize);
            row = penalized;
            rowOffset = 0;
        }
        int token = greedy
                ? SoftmaxKernels.argmax(row, rowOffset, vocabSize)
                : sampleFromDistribution(row, rowOffset, vocabSize);
        if (params.logprobs()) {
            computeLogprobs(logits, offset, vocabSize, token);
        }
        assert token >= 0 && token < vocabSize : "token " + token + " outside the vocabulary";
        return token;
    }

    /** The log-probability of the token the last {@link #sample} chose; NaN unless logprobs were requested. */
    public float sampledLogprob() {
        return sampledLogprob;
    }

    /** How many alternatives the last {@link #sample} reported: {@code topLogprobs}, at most the vocabulary. */
    public int numTopLogprobs() {
        return numTopLogprobs;
    }

    /** The token id of the alternative at {@code rank} (0 is the most likely). */
    public int topLogprobTokenId(int rank) {
        Objects.checkIndex(rank, numTopLogprobs);
        return topLogprobIds[rank];
    }

    /** The log-probability of the alternative at {@code rank} (0 is the most likely). */
    public float topLogprob(int rank) {
        Objects.checkIndex(rank, numTopLogprobs);
        return topLogprobValues[rank];
    }

    private int checkedToken(int tokenId) {
        if (tokenId < 0 || tokenId >= maxVocabSize) {
            throw new IllegalArgumentException("tokenId must be in [0, " + maxVocabSize + "), got " + tokenId);
        }
        return tokenId;
    }

    private void pushToWindow(int tokenId) {
        if (numInWindow == window.length) {
            windowCounts[window[nextWindowSlot]]--;
        } else {
            numInWindow++;
        }
        window[nextWindowSlot] = tokenId;
        windowCounts[tokenId]++;
        nextWindowSlot = nextWindowSlot + 1 == window.length ? 0 : nextWindowSlot + 1;
    }

    private void applyPenalties(float[] logits, int offset, int vocabSize) {
        System.arraycopy(logits, offset, penalized, 0, vocabSize);
        if (window != null) {
            // A token repeated in the window is penalised once: its count is negated once applied.
            for (int i = 0; i < numInWindow; i++) {
                int t = window[i];
                int count = windowCounts[t];
                if (count > 0 && t < vocabSize) {
                    float v = penalized[t];
                    penalized[t] = v <= 0 ? v * repetitionPenalty : v / repetitionPenalty;
                    windowCounts[t] = -count;
                }
            }
            for (int i = 0; i < numInWindow; i++) {
                int t = window[i];
                if (windowCounts[t] < 0) {
                    windowCounts[t] = -windowCounts[t];
                }
            }
        }
        if (generatedCounts != null) {
            for (int i = 0; i < numDistinctGenerated; i++) {
                int t = distinctGenerated[i];
                if (t < vocabSize) {
                    penalized[t] -= generatedCounts[t] * frequencyPenalty + presencePenalty;
                }
            }
        }
    }

    private int sampleFromDistribution(float[] row, int rowOffset, int vocabSize) {
        int k = topK > 0 && topK < vocabSize ? topK : 0;
        int numCandidates;
        if (k > 0) {
            // Candidates best first.
            CandidateSelection.selectTopK(row, rowOffset, vocabSize, k, candidateIds, candidateValues);
            numCandidates = topP < 1
                    ? CandidateSelection.truncateSortedTopP(candidateValues, k, topP, topPWeights, blockSums)
                    : k;
            if (minPEnabled) {
                numCandidates = CandidateSelection.truncateSortedMinP(candidateValues, numCandidates, logMinP);
            }
        } else if (topP < 1) {
            // Candidates in id order.
            numCandidates = CandidateSelection.selectTopP(row, rowOffset, vocabSize, topP, candidateIds,
                    candidateValues, topPWeights, blockSums, topPBucketMass);
            if (minPEnabled) {
                numCandidates = CandidateSelection.retainMinP(candidateIds, candidateValues, numCandidates, logMinP);
            }
        } else if (minPEnabled) {
            numCandidates = CandidateSelection.filterMinP(row, rowOffset, vocabSize, logMinP,
                    candidateIds, candidateValues);
        } else {
            // No truncation: candidates are the whole row in id order, so ids need not be materialised.
            return draw(row, rowOffset, vocabSize);
        }
        return candidateIds[draw(candidateValues, 0, numCandidates)];
    }

    /**
     * Draws a position in {@code values[offset .. offset + count)} from softmax(values / temperature).
     * Unnormalised probabilities go to {@code candidateValues}, which may be {@code values} itself.
     */
    private int draw(float[] values, int offset, int count) {
        double u = random.nextDouble();
        float max = SoftmaxKernels.max(values, offset, count);
        if (max == Float.NEGATIVE_INFINITY || max == Float.POSITIVE_INFINITY) {
            return SoftmaxKernels.argmax(values, offset, count);
        }
        double total = SoftmaxKernels.expInto(values, offset, count, max, invTemperature, candidateValues, blockSums);
        return SoftmaxKernels.pick(candidateValues, count, blockSums, u * total);
    }

    private void computeLogprobs(float[] logits, int offset, int vocabSize, int token) {
        float max = SoftmaxKernels.max(logits, offset, vocabSize);
        float logSumExp = Float.isFinite(max)
                ? (float) (max + Math.log(SoftmaxKernels.sumExp(logits, offset, vocabSize, max)))
                : max;
        sampledLogprob = CandidateSelection.sanitize(logits[offset + token]) - logSumExp;
        numTopLogprobs = Math.min(maxNumTopLogprobs, vocabSize);
        if (numTopLogprobs > 0) {
            CandidateSelection.selectTopK(logits, offset, vocabSize, numTopLogprobs, topLogprobIds, topLogprobValues);
            for (int i = 0; i < numTopLogprobs; i++) {
                topLogprobValues[i] -= logSumExp;
            }
        }
    }
}
