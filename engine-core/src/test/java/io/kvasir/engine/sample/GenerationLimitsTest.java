package io.kvasir.engine.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.IntPredicate;

import io.kvasir.api.FinishReason;
import io.kvasir.api.SamplingParams;

import org.junit.jupiter.api.Test;

class GenerationLimitsTest {

    private static final int EOS = 2;
    private static final IntPredicate IS_EOS = token -> token == EOS;

    @Test
    void endOfGenerationTokenStops() {
        GenerationLimits limits = new GenerationLimits(SamplingParams.defaults(), IS_EOS);
        assertThat(limits.check(5, 1, false)).isNull();
        assertThat(limits.check(EOS, 2, false)).isEqualTo(FinishReason.STOP);
    }

    @Test
    void ignoreEosKeepsGoingPastEndOfGenerationTokens() {
        GenerationLimits limits = new GenerationLimits(SamplingParams.builder().ignoreEos(true).build(), IS_EOS);
        assertThat(limits.check(EOS, 2, false)).isNull();
    }

    @Test
    void maxTokensEndsWithLength() {
        GenerationLimits limits = new GenerationLimits(SamplingParams.builder().maxTokens(3).build(), IS_EOS);
        assertThat(limits.check(7, 2, false)).isNull();
        assertThat(limits.check(7, 3, false)).isEqualTo(FinishReason.LENGTH);
    }

    @Test
    void aStopOnTheLastAllowedTokenIsStopNotLength() {
        GenerationLimits limits = new GenerationLimits(SamplingParams.builder().maxTokens(3).build(), IS_EOS);
        assertThat(limits.check(EOS, 3, false)).isEqualTo(FinishReason.STOP);
        assertThat(limits.check(7, 3, true)).isEqualTo(FinishReason.STOP);
    }

    @Test
    void aMatchedStopStringStopsEvenWhenEosIsIgnored() {
        GenerationLimits limits = new GenerationLimits(SamplingParams.builder().ignoreEos(true).build(), IS_EOS);
        assertThat(limits.check(7, 1, true)).isEqualTo(FinishReason.STOP);
    }
}
