package io.kvasir.engine.loop;

import io.kvasir.api.FinishReason;
import io.kvasir.api.ForcedDecoding;
import io.kvasir.api.SamplingParams;
import io.kvasir.api.TokenOutput;
import io.kvasir.engine.sample.GenerationLimits;
import io.kvasir.engine.sample.Sampler;
import io.kvasir.engine.sample.StopStringMatcher;
import io.kvasir.engine.sample.StreamingDetokenizer;
import io.kvasir.engine.sched.Request;
import io.kvasir.engine.tokenizer.Tokenizer;

import org.jspecify.annotations.Nullable;

/**
 * A request's output side: samples its next token, turns tokens into text at UTF-8 boundaries, holds
 * back possible stop strings, and decides when the request is finished.
 */
final class RequestDecoder {

    private final Tokenizer tokenizer;
    private final Sampler sampler;
    private final StreamingDetokenizer detokenizer = new StreamingDetokenizer();
    private final StopStringMatcher stopMatcher;
    private final GenerationLimits limits;
    private final boolean logprobs;
    private final int maxContextTokens;
    private @Nullable FinishReason finishReason;

    RequestDecoder(Request request, Tokenizer tokenizer, int vocabSize, int maxContextTokens) {
        SamplingParams params = request.spec().sampling();
        this.tokenizer = tokenizer;
        this.sampler = new Sampler(params, vocabSize);
        this.sampler.acceptPrompt(request.spec().promptTokens(), 0, request.numPromptTokens());
        this.stopMatcher = new StopStringMatcher(params.stop());
        this.limits = new GenerationLimits(params, tokenizer);
        this.logprobs = params.logprobs();
        this.maxContextTokens = maxContextTokens;
    }

    /** Samples the next token from its logits row and appends it to the request. */
    TokenOutput next(Request request, float[] logits, int offset, int vocabSize) {
        int token = request.listener() instanceof ForcedDecoding forced
                ? checkedToken(forced.nextToken(logits, offset, vocabSize, request.numGeneratedTokens()), vocabSize)
                : sampler.sample(logits, offset, vocabSize);
        sampler.accept(token);
        request.appendToken(token);
        boolean endOfGeneration = tokenizer.isEndOfGeneration(token) && !request.spec().sampling().ignoreEos();
        String text = endOfGeneration ? "" : stopMatcher.push(detokenizer.push(tokenizer.tokenBytes(token)));
        finishReason = limits.check(token, request.numGeneratedTokens(), stopMatcher.stopped());
        if (finishReason == null && request.numTokens() >= maxContextTokens) {
            finishReason = FinishReason.LENGTH;
        }
        if (finishReason != null && !stopMatcher.stopped()) {
            text = text + stopMatcher.push(detokenizer.flush()) + stopMatcher.flush();
        }
        return new TokenOutput(token, text, logprobs ? sampler.sampledLogprob() : Float.NaN,
                logprobs ? topIds() : null, logprobs ? topValues() : null);
    }

    private static int checkedToken(int token, int vocabSize) {
        if (token < 0 || token >= vocabSize) {
            throw new IllegalArgumentException("forced token " + token + " is outside the vocabulary of " + vocabSize);
        }
        return token;
    }

    /** Why the request is finished after its last token, or null. */
    @Nullable FinishReason finishReason() {
        return finishReason;
    }

    private int @Nullable [] topIds() {
        int n = sampler.numTopLogprobs();
        if (n == 0) {
            return null;
        }
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = sampler.topLogprobTokenId(i);
        }
        return ids;
    }

    private float @Nullable [] topValues() {
        int n = sampler.numTopLogprobs();
        if (n == 0) {
            return null;
        }
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = sampler.topLogprob(i);
        }
        return values;
    }
}
