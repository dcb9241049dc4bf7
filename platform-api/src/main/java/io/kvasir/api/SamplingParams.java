package io.kvasir.api;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * How one request's tokens are chosen and when its generation ends.
 *
 * <p>Every value is validated when the record is constructed: a bad value throws
 * {@link IllegalArgumentException} whose message starts with the parameter's JSON name (the component
 * name in snake_case, as in the OpenAI API: {@code top_p}, {@code max_tokens}) and states the allowed
 * range, for example {@code "top_p must be in (0, 1], got 2.0"}. NaN and infinities are rejected
 * everywhere.
 *
 * <table>
 *   <caption>Parameters, defaults and allowed values</caption>
 *   <tr><th>component</th><th>default</th><th>allowed</th><th>meaning</th></tr>
 *   <tr><td>temperature</td><td>1.0</td><td>[0, 2]</td><td>0 is greedy (argmax, lowest id on ties);
 *       2 is OpenAI's upper limit</td></tr>
 *   <tr><td>topK</td><td>0</td><td>-1 or &ge; 0</td><td>keep the k most likely tokens; 0 and -1 turn it off</td></tr>
 *   <tr><td>topP</td><td>1.0</td><td>(0, 1]</td><td>nucleus sampling; 1 turns it off</td></tr>
 *   <tr><td>minP</td><td>0.0</td><td>[0, 1]</td><td>drop tokens less likely than minP times the most likely
 *       one; 0 turns it off</td></tr>
 *   <tr><td>repetitionPenalty</td><td>1.0</td><td>(0, 2]</td><td>llama.cpp's repeat penalty over the last
 *       {@code penaltyLastN} tokens (prompt included): positive logits are divided by it, negative ones
 *       multiplied; 1 turns it off</td></tr>
 *   <tr><td>penaltyLastN</td><td>64</td><td>[0, 65536]</td><td>window of the repetition penalty; 0 turns it
 *       off</td></tr>
 *   <tr><td>frequencyPenalty</td><td>0.0</td><td>[-2, 2]</td><td>OpenAI: subtracted once per earlier
 *       occurrence of the token in the generated text</td></tr>
 *   <tr><td>presencePenalty</td><td>0.0</td><td>[-2, 2]</td><td>OpenAI: subtracted once if the token
 *       occurred in the generated text</td></tr>
 *   <tr><td>seed</td><td>null</td><td>any, or null</td><td>the same seed and logits give the same tokens;
 *       null draws a random seed</td></tr>
 *   <tr><td>maxTokens</td><td>{@value #UNLIMITED_TOKENS}</td><td>&ge; 1</td><td>the most tokens to generate;
 *       the default means "until the context is full", which the engine enforces</td></tr>
 *   <tr><td>stop</td><td>empty</td><td>at most {@value #MAX_NUM_STOP_STRINGS} strings of 1 to
 *       {@value #MAX_STOP_STRING_LENGTH} UTF-16 chars, no lone surrogates</td><td>generation ends when one
 *       appears; the text before it is returned, the stop string is not</td></tr>
 *   <tr><td>ignoreEos</td><td>false</td><td></td><td>keep generating past end-of-generation tokens</td></tr>
 *   <tr><td>logprobs</td><td>false</td><td></td><td>report the sampled token's log-probability</td></tr>
 *   <tr><td>topLogprobs</td><td>0</td><td>[0, {@value #MAX_TOP_LOGPROBS}]</td><td>also report that many
 *       most likely alternatives; needs {@code logprobs}</td></tr>
 * </table>
 *
 * @param temperature softmax temperature; 0 is greedy
 * @param topK keep only the k most likely tokens; 0 or -1 is off
 * @param topP keep the smallest set of most likely tokens whose probability reaches topP; 1 is off
 * @param minP keep tokens at least minP times as likely as the most likely one; 0 is off
 * @param repetitionPenalty llama.cpp repeat penalty; 1 is off
 * @param penaltyLastN how many of the most recent tokens the repetition penalty looks at; 0 is off
 * @param frequencyPenalty OpenAI frequency penalty
 * @param presencePenalty OpenAI presence penalty
 * @param seed random seed, or null for a random one
 * @param maxTokens the most tokens to generate
 * @param stop stop strings (an unmodifiable copy)
 * @param ignoreEos do not stop at end-of-generation tokens
 * @param logprobs report log-probabilities
 * @param topLogprobs how many alternatives to report with each token
 */
public record SamplingParams(
        double temperature,
        int topK,
        double topP,
        double minP,
        double repetitionPenalty,
        int penaltyLastN,
        double frequencyPenalty,
        double presencePenalty,
        @Nullable Long seed,
        int maxTokens,
        List<String> stop,
        boolean ignoreEos,
        boolean logprobs,
        int topLogprobs) {

    /** The highest temperature accepted (OpenAI's limit). */
    public static final double MAX_TEMPERATURE = 2.0;
    /** The largest absolute frequency or presence penalty (OpenAI's limit). */
    public static final double MAX_ABS_FREQUENCY_OR_PRESENCE_PENALTY = 2.0;
    /** The highest repetition penalty accepted. */
    public static final double MAX_REPETITION_PENALTY = 2.0;
    /** The longest repetition-penalty window. */
    public static final int MAX_PENALTY_LAST_N = 65_536;
    /** The most stop strings one request may give. */
    public static final int MAX_NUM_STOP_STRINGS = 16;
    /** The longest stop string, in UTF-16 chars. */
    public static final int MAX_STOP_STRING_LENGTH = 256;
    /** The most alternatives reported per token (OpenAI's limit). */
    public static final int MAX_TOP_LOGPROBS = 20;
    /** The default {@code maxTokens}: no limit but the context length. */
    public static final int UNLIMITED_TOKENS = Integer.MAX_VALUE;

    private static final SamplingParams DEFAULTS = builder().build();

    /** Validates every component; see the class comment for the ranges. */
    public SamplingParams {
        requireInRange("temperature", temperature, 0, MAX_TEMPERATURE, "[0, 2]");
        if (topK < -1) {
            throw new IllegalArgumentException("top_k must be -1 (off), 0 (off) or positive, got " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("top_p must be in (0, 1], got " + topP);
        }
        requireInRange("min_p", minP, 0, 1, "[0, 1]");
        if (!(repetitionPenalty > 0 && repetitionPenalty <= MAX_REPETITION_PENALTY)) {
            throw new IllegalArgumentException("repetition_penalty must be in (0, 2], got " + repetitionPenalty);
        }
        if (penaltyLastN < 0 || penaltyLastN > MAX_PENALTY_LAST_N) {
            throw new IllegalArgumentException(
                    "penalty_last_n must be in [0, " + MAX_PENALTY_LAST_N + "], got " + penaltyLastN);
        }
        requireInRange("frequency_penalty", frequencyPenalty,
                -MAX_ABS_FREQUENCY_OR_PRESENCE_PENALTY, MAX_ABS_FREQUENCY_OR_PRESENCE_PENALTY, "[-2, 2]");
        requireInRange("presence_penalty", presencePenalty,
                -MAX_ABS_FREQUENCY_OR_PRESENCE_PENALTY, MAX_ABS_FREQUENCY_OR_PRESENCE_PENALTY, "[-2, 2]");
        if (maxTokens <= 0) {
            throw new IllegalArgumentException("max_tokens must be at least 1, got " + maxTokens);
        }
        stop = validStopStrings(stop);
        if (topLogprobs < 0 || topLogprobs > MAX_TOP_LOGPROBS) {
            throw new IllegalArgumentException(
                    "top_logprobs must be in [0, " + MAX_TOP_LOGPROBS + "], got " + topLogprobs);
        }
        if (topLogprobs > 0 && !logprobs) {
            throw new IllegalArgumentException("top_logprobs needs logprobs set to true, got top_logprobs "
                    + topLogprobs + " with logprobs false");
        }
    }

    /** The defaults listed in the class comment. */
    public static SamplingParams defaults() {
        return DEFAULTS;
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these values. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Whether tokens are chosen by argmax (temperature 0). */
    public boolean isGreedy() {
        return temperature == 0;
    }

    private static void requireInRange(String name, double value, double min, double max, String range) {
        if (!(value >= min && value <= max)) {
            throw new IllegalArgumentException(name + " must be a finite number in " + range + ", got " + value);
        }
    }

    private static List<String> validStopStrings(@Nullable List<String> stop) {
        if (stop == null) {
            throw new IllegalArgumentException("stop must be a list (possibly empty), got null");
        }
        if (stop.size() > MAX_NUM_STOP_STRINGS) {
            throw new IllegalArgumentException(
                    "stop must hold at most " + MAX_NUM_STOP_STRINGS + " strings, got " + stop.size());
        }
        for (int i = 0; i < stop.size(); i++) {
            String s = stop.get(i);
            if (s == null || s.isEmpty() || s.length() > MAX_STOP_STRING_LENGTH) {
                throw new IllegalArgumentException("stop[" + i + "] must be 1 to " + MAX_STOP_STRING_LENGTH
                        + " characters long, got " + (s == null ? "null" : s.length() + " characters"));
            }
            if (hasLoneSurrogate(s)) {
                throw new IllegalArgumentException("stop[" + i + "] must be valid Unicode, got a lone surrogate");
            }
        }
        return List.copyOf(stop);
    }

    private static boolean hasLoneSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    /** Builds {@link SamplingParams}; starts from the defaults, validates in {@link #build()}. */
    public static final class Builder {
        private double temperature = 1.0;
        private int topK = 0;
        private double topP = 1.0;
        private double minP = 0.0;
        private double repetitionPenalty = 1.0;
        private int penaltyLastN = 64;
        private double frequencyPenalty = 0.0;
        private double presencePenalty = 0.0;
        private @Nullable Long seed;
        private int maxTokens = UNLIMITED_TOKENS;
        private @Nullable List<String> stop = List.of();
        private boolean ignoreEos;
        private boolean logprobs;
        private int topLogprobs;

        private Builder() {
        }

        private Builder(SamplingParams p) {
            temperature = p.temperature;
            topK = p.topK;
            topP = p.topP;
            minP = p.minP;
            repetitionPenalty = p.repetitionPenalty;
            penaltyLastN = p.penaltyLastN;
            frequencyPenalty = p.frequencyPenalty;
            presencePenalty = p.presencePenalty;
            seed = p.seed;
            maxTokens = p.maxTokens;
            stop = p.stop;
            ignoreEos = p.ignoreEos;
            logprobs = p.logprobs;
            topLogprobs = p.topLogprobs;
        }

        /** Softmax temperature in [0, 2]; 0 is greedy. */
        public Builder temperature(double temperature) {
            this.temperature = temperature;
            return this;
        }

        /** Keep the k most likely tokens; 0 or -1 is off. */
        public Builder topK(int topK) {
            this.topK = topK;
            return this;
        }

        /** Nucleus threshold in (0, 1]; 1 is off. */
        public Builder topP(double topP) {
            this.topP = topP;
            return this;
        }

        /** Relative probability floor in [0, 1]; 0 is off. */
        public Builder minP(double minP) {
            this.minP = minP;
            return this;
        }

        /** llama.cpp repeat penalty in (0, 2]; 1 is off. */
        public Builder repetitionPenalty(double repetitionPenalty) {
            this.repetitionPenalty = repetitionPenalty;
            return this;
        }

        /** Repetition-penalty window in tokens, [0, 65536]; 0 is off. */
        public Builder penaltyLastN(int penaltyLastN) {
            this.penaltyLastN = penaltyLastN;
            return this;
        }

        /** OpenAI frequency penalty in [-2, 2]. */
        public Builder frequencyPenalty(double frequencyPenalty) {
            this.frequencyPenalty = frequencyPenalty;
            return this;
        }

        /** OpenAI presence penalty in [-2, 2]. */
        public Builder presencePenalty(double presencePenalty) {
            this.presencePenalty = presencePenalty;
            return this;
        }

        /** Random seed; null draws one at random. */
        public Builder seed(@Nullable Long seed) {
            this.seed = seed;
            return this;
        }

        /** The most tokens to generate, at least 1. */
        public Builder maxTokens(int maxTokens) {
            this.maxTokens = maxTokens;
            return this;
        }

        /** Stop strings (copied). */
        public Builder stop(@Nullable List<String> stop) {
            this.stop = stop == null ? null : new ArrayList<>(stop);
            return this;
        }

        /** Stop strings (copied). */
        public Builder stop(@Nullable String... stop) {
            this.stop = stop == null ? null : new ArrayList<>(Arrays.asList(stop));
            return this;
        }

        /** Keep generating past end-of-generation tokens. */
        public Builder ignoreEos(boolean ignoreEos) {
            this.ignoreEos = ignoreEos;
            return this;
        }

        /** Report the sampled token's log-probability. */
        public Builder logprobs(boolean logprobs) {
            this.logprobs = logprobs;
            return this;
        }

        /** Also report this many alternatives per token, [0, 20]; needs {@link #logprobs(boolean)}. */
        public Builder topLogprobs(int topLogprobs) {
            this.topLogprobs = topLogprobs;
            return this;
        }

        /** Validates and builds. */
        public SamplingParams build() {
            return new SamplingParams(temperature, topK, topP, minP, repetitionPenalty, penaltyLastN,
                    frequencyPenalty, presencePenalty, seed, maxTokens, stop, ignoreEos, logprobs, topLogprobs);
        }
    }
}
