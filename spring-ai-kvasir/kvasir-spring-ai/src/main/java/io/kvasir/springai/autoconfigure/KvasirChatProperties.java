package io.kvasir.springai.autoconfigure;

import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

import io.kvasir.springai.KvasirChatOptions;

/**
 * The chat model's default options ({@code spring.ai.kvasir.chat.*}), which every call's own options are
 * merged over. An option left unset keeps the engine's default (in remote mode, the gateway's).
 */
@ConfigurationProperties(KvasirChatProperties.CONFIG_PREFIX)
public class KvasirChatProperties {

    public static final String CONFIG_PREFIX = "spring.ai.kvasir.chat";

    /** The model: required in remote mode (a name from the gateway's /v1/models); embedded mode serves its model file. */
    private @Nullable String model;
    /** Sampling temperature in [0, 2]; 0 is greedy. Engine default: 1. */
    private @Nullable Double temperature;
    /** Nucleus sampling threshold in (0, 1]. Engine default: 1 (off). */
    private @Nullable Double topP;
    /** Keep only the k most likely tokens; 0 turns it off. Engine default: 0. */
    private @Nullable Integer topK;
    /** Drop tokens less likely than min-p times the most likely one, in [0, 1]. Engine default: 0 (off). */
    private @Nullable Double minP;
    /** The most tokens to generate. Engine default: until the context is full. */
    private @Nullable Integer maxTokens;
    /** Stop sequences (at most 16): generation ends when one appears, and it is not returned. */
    private @Nullable List<String> stop;
    /** Random seed: the same seed, prompt and options give the same text. Engine default: a random seed. */
    private @Nullable Long seed;
    /** OpenAI presence penalty in [-2, 2]. Engine default: 0. */
    private @Nullable Double presencePenalty;
    /** OpenAI frequency penalty in [-2, 2]. Engine default: 0. */
    private @Nullable Double frequencyPenalty;
    /** llama.cpp repetition penalty in (0, 2]. Engine default: 1 (off). */
    private @Nullable Double repetitionPenalty;
    /** Larger runs earlier under the priority scheduling policy. Engine default: 0. */
    private @Nullable Integer priority;
    /** Keep generating past end-of-sequence tokens. Engine default: false. */
    private @Nullable Boolean ignoreEos;

    /** These properties as the model's default options. */
    public KvasirChatOptions toOptions() {
        return KvasirChatOptions.builder().model(model).temperature(temperature).topP(topP).topK(topK).minP(minP)
                .maxTokens(maxTokens).stopSequences(stop).seed(seed).presencePenalty(presencePenalty)
                .frequencyPenalty(frequencyPenalty).repetitionPenalty(repetitionPenalty).priority(priority)
                .ignoreEos(ignoreEos).build();
    }

    public @Nullable String getModel() {
        return model;
    }

    public void setModel(@Nullable String model) {
        this.model = model;
    }

    public @Nullable Double getTemperature() {
        return temperature;
    }

    public void setTemperature(@Nullable Double temperature) {
        this.temperature = temperature;
    }

    public @Nullable Double getTopP() {
        return topP;
    }

    public void setTopP(@Nullable Double topP) {
        this.topP = topP;
    }

    public @Nullable Integer getTopK() {
        return topK;
    }

    public void setTopK(@Nullable Integer topK) {
        this.topK = topK;
    }

    public @Nullable Double getMinP() {
        return minP;
    }

    public void setMinP(@Nullable Double minP) {
        this.minP = minP;
    }

    public @Nullable Integer getMaxTokens() {
        return maxTokens;
    }

    public void setMaxTokens(@Nullable Integer maxTokens) {
        this.maxTokens = maxTokens;
    }

    public @Nullable List<String> getStop() {
        return stop;
    }

    public void setStop(@Nullable List<String> stop) {
        this.stop = stop;
    }

    public @Nullable Long getSeed() {
        return seed;
    }

    public void setSeed(@Nullable Long seed) {
        this.seed = seed;
    }

    public @Nullable Double getPresencePenalty() {
        return presencePenalty;
    }

    public void setPresencePenalty(@Nullable Double presencePenalty) {
        this.presencePenalty = presencePenalty;
    }

    public @Nullable Double getFrequencyPenalty() {
        return frequencyPenalty;
    }

    public void setFrequencyPenalty(@Nullable Double frequencyPenalty) {
        this.frequencyPenalty = frequencyPenalty;
    }

    public @Nullable Double getRepetitionPenalty() {
        return repetitionPenalty;
    }

    public void setRepetitionPenalty(@Nullable Double repetitionPenalty) {
        this.repetitionPenalty = repetitionPenalty;
    }

    public @Nullable Integer getPriority() {
        return priority;
    }

    public void setPriority(@Nullable Integer priority) {
        this.priority = priority;
    }

    public @Nullable Boolean getIgnoreEos() {
        return ignoreEos;
    }

    public void setIgnoreEos(@Nullable Boolean ignoreEos) {
        this.ignoreEos = ignoreEos;
    }
}
