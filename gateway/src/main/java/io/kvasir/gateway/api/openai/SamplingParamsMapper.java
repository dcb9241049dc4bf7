package io.kvasir.gateway.api.openai;

import io.kvasir.api.SamplingParams;
import io.kvasir.gateway.api.ApiException;

/**
 * Turns {@link SamplingOptions} into the engine's {@link SamplingParams}. Every range check lives in
 * {@code SamplingParams} itself; its {@link IllegalArgumentException} (whose message starts with the parameter's
 * JSON name) becomes a 400 naming that parameter.
 */
public final class SamplingParamsMapper {

    private SamplingParamsMapper() {
    }

    /**
     * The parameters of one choice. With a seed, choice {@code i} samples with {@code seed + i}, so {@code n}
     * choices differ yet each is reproducible.
     *
     * @param defaultMaxTokens the limit when the request gives none
     */
    public static SamplingParams toParams(SamplingOptions o, int defaultMaxTokens, int choiceIndex) {
        SamplingParams.Builder b = SamplingParams.builder()
                .maxTokens(o.maxTokens() != null ? o.maxTokens() : defaultMaxTokens)
                .stop(o.stop())
                .ignoreEos(o.ignoreEos())
                .logprobs(o.logprobs())
                .topLogprobs(o.topLogprobs());
        if (o.temperature() != null) {
            b.temperature(o.temperature());
        }
        if (o.topP() != null) {
            b.topP(o.topP());
        }
        if (o.seed() != null) {
            b.seed(o.seed() + choiceIndex);
        }
        if (o.presencePenalty() != null) {
            b.presencePenalty(o.presencePenalty());
        }
        if (o.frequencyPenalty() != null) {
            b.frequencyPenalty(o.frequencyPenalty());
        }
        if (o.topK() != null) {
            b.topK(o.topK());
        }
        if (o.minP() != null) {
            b.minP(o.minP());
        }
        if (o.repetitionPenalty() != null) {
            b.repetitionPenalty(o.repetitionPenalty());
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            String message = e.getMessage() == null ? "invalid sampling parameters" : e.getMessage();
            String param = paramOf(message);
            if ("max_tokens".equals(param)) {
                param = o.maxTokensParam();
            }
            throw ApiException.invalidRequest(param, message);
        }
    }

    private static boolean isParamChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '[' || c == ']';
    }

    /** The parameter a {@code SamplingParams} message starts with ({@code "stop[2] must ..."} names {@code stop[2]}). */
    static String paramOf(String message) {
        int end = 0;
        while (end < message.length() && isParamChar(message.charAt(end))) {
            end++;
        }
        return message.substring(0, end);
    }
}
