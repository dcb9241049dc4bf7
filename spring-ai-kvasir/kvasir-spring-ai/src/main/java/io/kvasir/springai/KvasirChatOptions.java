package io.kvasir.springai;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.DefaultChatOptions;
import org.springframework.ai.chat.prompt.DefaultChatOptionsBuilder;

/**
 * The options of a Kvasir chat request: Spring AI's portable ones (model, temperature, top-p, top-k, max
 * tokens, stop sequences, presence and frequency penalties) plus the engine's extras (min-p, repetition
 * penalty, seed, priority, ignore-EOS).
 *
 * <p>Invariants:
 * <ul>
 *   <li>immutable; {@code null} means "not set", so the model's defaults and then the engine's apply;</li>
 *   <li>{@code defaults.mutate().combineWith(runtime.mutate()).build()} takes every value the runtime
 *       options set over the default, and unites the stop sequences (in order, without duplicates), as
 *       Spring AI's {@code ChatClient} does; combining twice with the same options changes nothing.</li>
 * </ul>
 * Values are validated where the request is served (the embedded engine's {@code SamplingParams} or the
 * gateway), with messages naming the parameter.
 */
public final class KvasirChatOptions extends DefaultChatOptions {

    private final @Nullable Double minP;
    private final @Nullable Double repetitionPenalty;
    private final @Nullable Long seed;
    private final @Nullable Integer priority;
    private final @Nullable Boolean ignoreEos;

    private KvasirChatOptions(@Nullable String model, @Nullable Double frequencyPenalty, @Nullable Integer maxTokens,
            @Nullable Double presencePenalty, @Nullable List<String> stopSequences, @Nullable Double temperature,
            @Nullable Integer topK, @Nullable Double topP, Builder b) {
        super(model, frequencyPenalty, maxTokens, presencePenalty, stopSequences, temperature, topK, topP);
        this.minP = b.minP;
        this.repetitionPenalty = b.repetitionPenalty;
        this.seed = b.seed;
        this.priority = b.priority;
        this.ignoreEos = b.ignoreEos;
    }

    /** A builder with nothing set. */
    public static Builder builder() {
        return new Builder();
    }

    /** Drop tokens less likely than min-p times the most likely one, in [0, 1]; 0 is off. */
    public @Nullable Double getMinP() {
        return minP;
    }

    /** llama.cpp's repeat penalty in (0, 2]; 1 is off. */
    public @Nullable Double getRepetitionPenalty() {
        return repetitionPenalty;
    }

    /** The random seed: the same seed, prompt and options give the same text. */
    public @Nullable Long getSeed() {
        return seed;
    }

    /** Larger runs earlier under the engine's {@code priority} scheduling policy. */
    public @Nullable Integer getPriority() {
        return priority;
    }

    /** Keep generating past end-of-sequence tokens (benchmarks use it). */
    public @Nullable Boolean getIgnoreEos() {
        return ignoreEos;
    }

    @Override
    public Builder mutate() {
        Builder b = new Builder().model(getModel()).frequencyPenalty(getFrequencyPenalty()).maxTokens(getMaxTokens())
                .presencePenalty(getPresencePenalty()).stopSequences(getStopSequences()).temperature(getTemperature())
                .topK(getTopK()).topP(getTopP());
        return b.minP(minP).repetitionPenalty(repetitionPenalty).seed(seed).priority(priority).ignoreEos(ignoreEos);
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof KvasirChatOptions that && super.equals(o) && Objects.equals(minP, that.minP)
                && Objects.equals(repetitionPenalty, that.repetitionPenalty) && Objects.equals(seed, that.seed)
                && Objects.equals(priority, that.priority) && Objects.equals(ignoreEos, that.ignoreEos);
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), minP, repetitionPenalty, seed, priority, ignoreEos);
    }

    @Override
    public String toString() {
        return "KvasirChatOptions[model=" + getModel() + ", temperature=" + getTemperature() + ", topP=" + getTopP()
                + ", topK=" + getTopK() + ", minP=" + minP + ", maxTokens=" + getMaxTokens() + ", stop=" + getStopSequences()
                + ", seed=" + seed + ", presencePenalty=" + getPresencePenalty() + ", frequencyPenalty="
                + getFrequencyPenalty() + ", repetitionPenalty=" + repetitionPenalty + ", priority=" + priority
                + ", ignoreEos=" + ignoreEos + "]";
    }

    /** Builds {@link KvasirChatOptions}; every setter accepts null ("not set"). */
    public static final class Builder extends DefaultChatOptionsBuilder<Builder> {

        private @Nullable Double minP;
        private @Nullable Double repetitionPenalty;
        private @Nullable Long seed;
        private @Nullable Integer priority;
        private @Nullable Boolean ignoreEos;

        private Builder() {
        }

        public Builder minP(@Nullable Double minP) {
            this.minP = minP;
            return this;
        }

        public Builder repetitionPenalty(@Nullable Double repetitionPenalty) {
            this.repetitionPenalty = repetitionPenalty;
            return this;
        }

        public Builder seed(@Nullable Long seed) {
            this.seed = seed;
            return this;
        }

        public Builder priority(@Nullable Integer priority) {
            this.priority = priority;
            return this;
        }

        public Builder ignoreEos(@Nullable Boolean ignoreEos) {
            this.ignoreEos = ignoreEos;
            return this;
        }

        /**
         * Takes every value {@code other} sets: the portable ones from any Spring AI options builder, the
         * Kvasir ones when it is a Kvasir builder. Stop sequences are united without duplicates.
         */
        @Override
        public Builder combineWith(ChatOptions.Builder<?> other) {
            super.combineWith(other);
            if (stopSequences != null) {
                stopSequences = new ArrayList<>(new LinkedHashSet<>(stopSequences));
            }
            if (other instanceof Builder that) {
                minP = that.minP != null ? that.minP : minP;
                repetitionPenalty = that.repetitionPenalty != null ? that.repetitionPenalty : repetitionPenalty;
                seed = that.seed != null ? that.seed : seed;
                priority = that.priority != null ? that.priority : priority;
                ignoreEos = that.ignoreEos != null ? that.ignoreEos : ignoreEos;
            }
            return this;
        }

        /** A copy of this builder (stop sequences copied too). */
        @Override
        public Builder clone() {
            return super.clone();
        }

        @Override
        public KvasirChatOptions build() {
            return new KvasirChatOptions(model, frequencyPenalty, maxTokens, presencePenalty, stopSequences, temperature,
                    topK, topP, this);
        }
    }
}
