package io.kvasir.springai.embedded;

import io.kvasir.api.SamplingParams;
import io.kvasir.springai.KvasirChatOptions;

/** Kvasir chat options as the engine's sampling parameters; an option not set keeps the engine's default. */
final class EmbeddedSampling {

    private EmbeddedSampling() {
    }

    /**
     * The sampling parameters of these options.
     *
     * @throws IllegalArgumentException naming the parameter when a value is out of range
     */
    static SamplingParams of(KvasirChatOptions options) {
        SamplingParams.Builder b = SamplingParams.builder();
        if (options.getTemperature() != null) {
            b.temperature(options.getTemperature());
        }
        if (options.getTopP() != null) {
            b.topP(options.getTopP());
        }
        if (options.getTopK() != null) {
            b.topK(options.getTopK());
        }
        if (options.getMinP() != null) {
            b.minP(options.getMinP());
        }
        if (options.getMaxTokens() != null) {
            b.maxTokens(options.getMaxTokens());
        }
        if (options.getStopSequences() != null) {
            b.stop(options.getStopSequences());
        }
        if (options.getPresencePenalty() != null) {
            b.presencePenalty(options.getPresencePenalty());
        }
        if (options.getFrequencyPenalty() != null) {
            b.frequencyPenalty(options.getFrequencyPenalty());
        }
        if (options.getRepetitionPenalty() != null) {
            b.repetitionPenalty(options.getRepetitionPenalty());
        }
        if (options.getIgnoreEos() != null) {
            b.ignoreEos(options.getIgnoreEos());
        }
        return b.seed(options.getSeed()).build();
    }
}
