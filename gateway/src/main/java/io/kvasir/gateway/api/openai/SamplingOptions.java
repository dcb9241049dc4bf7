package io.kvasir.gateway.api.openai;

import io.kvasir.api.SamplingParams;
import io.kvasir.gateway.api.json.JsonFields;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The sampling fields shared by {@code /v1/chat/completions} and {@code /v1/completions}, as the client sent
 * them (null: not given). Ranges are checked when they become {@link SamplingParams}
 * ({@link SamplingParamsMapper}); types and integer bounds are checked here, while reading.
 *
 * @param maxTokensParam the name the client used for the token limit ({@code max_tokens} or
 *        {@code max_completion_tokens}), for error messages
 */
public record SamplingOptions(@Nullable Integer maxTokens, String maxTokensParam, @Nullable Double temperature,
        @Nullable Double topP, @Nullable Long seed, List<String> stop, @Nullable Double presencePenalty,
        @Nullable Double frequencyPenalty, boolean logprobs, int topLogprobs, @Nullable Integer topK,
        @Nullable Double minP, @Nullable Double repetitionPenalty, boolean ignoreEos) {

    public SamplingOptions {
        stop = List.copyOf(stop);
    }

    /**
     * Reads the common fields and Kvasir's extras ({@code top_k}, {@code min_p}, {@code repetition_penalty},
     * {@code ignore_eos}) from a request body; the endpoint-specific token limit and log-probability fields are
     * read by the caller and passed in.
     */
    static SamplingOptions read(JsonFields body, @Nullable Integer maxTokens, String maxTokensParam, boolean logprobs,
            int topLogprobs) {
        Boolean ignoreEos = body.optionalBoolean("ignore_eos");
        return new SamplingOptions(maxTokens, maxTokensParam,
                body.optionalNumber("temperature"),
                body.optionalNumber("top_p"),
                body.optionalLong("seed"),
                body.stringOrStrings("stop", SamplingParams.MAX_NUM_STOP_STRINGS),
                body.optionalNumber("presence_penalty"),
                body.optionalNumber("frequency_penalty"),
                logprobs, topLogprobs,
                body.optionalInt("top_k", Integer.MIN_VALUE, Integer.MAX_VALUE),
                body.optionalNumber("min_p"),
                body.optionalNumber("repetition_penalty"),
                ignoreEos != null && ignoreEos);
    }

    /** Reads a token-limit field: an integer of at least 1, or null. */
    static @Nullable Integer readMaxTokens(JsonFields body, String name) {
        return body.optionalInt(name, 1, Integer.MAX_VALUE - 1);
    }
}
