package io.kvasir.springai;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.prompt.ChatOptions;

class KvasirChatOptionsTest {

    private static final KvasirChatOptions DEFAULTS = KvasirChatOptions.builder().model("m").temperature(0.7).topP(0.9)
            .topK(40).minP(0.05).maxTokens(100).stopSequences(List.of("END")).seed(7L).presencePenalty(0.1)
            .frequencyPenalty(0.2).repetitionPenalty(1.1).priority(1).ignoreEos(false).build();

    @Test
    void runtimeValuesReplaceDefaultsAndUnsetOnesKeepThem() {
        KvasirChatOptions runtime = KvasirChatOptions.builder().temperature(0.0).minP(0.2).priority(5).build();

        KvasirChatOptions merged = DEFAULTS.mutate().combineWith(runtime.mutate()).build();

        assertThat(merged.getTemperature()).isEqualTo(0.0);
        assertThat(merged.getMinP()).isEqualTo(0.2);
        assertThat(merged.getPriority()).isEqualTo(5);
        assertThat(merged.getModel()).isEqualTo("m");
        assertThat(merged.getTopP()).isEqualTo(0.9);
        assertThat(merged.getTopK()).isEqualTo(40);
        assertThat(merged.getMaxTokens()).isEqualTo(100);
        assertThat(merged.getSeed()).isEqualTo(7L);
        assertThat(merged.getRepetitionPenalty()).isEqualTo(1.1);
        assertThat(merged.getIgnoreEos()).isFalse();
    }

    @Test
    void portableOptionsOfAnySpringAiBuilderMergeIn() {
        ChatOptions portable = ChatOptions.builder().maxTokens(5).topK(3).build();

        KvasirChatOptions merged = DEFAULTS.mutate().combineWith(portable.mutate()).build();

        assertThat(merged.getMaxTokens()).isEqualTo(5);
        assertThat(merged.getTopK()).isEqualTo(3);
        assertThat(merged.getMinP()).isEqualTo(0.05);
    }

    @Test
    void stopSequencesAreUnitedWithoutDuplicatesSoMergingTwiceChangesNothing() {
        KvasirChatOptions runtime = KvasirChatOptions.builder().stopSequences(List.of("\n\n", "END")).build();

        KvasirChatOptions once = DEFAULTS.mutate().combineWith(runtime.mutate()).build();
        KvasirChatOptions twice = DEFAULTS.mutate().combineWith(once.mutate()).build();

        assertThat(once.getStopSequences()).containsExactly("END", "\n\n");
        assertThat(twice).isEqualTo(once);
    }

    @Test
    void mutateCopiesEveryValue() {
        assertThat(DEFAULTS.mutate().build()).isEqualTo(DEFAULTS).hasSameHashCodeAs(DEFAULTS);
        assertThat(DEFAULTS.mutate().seed(8L).build()).isNotEqualTo(DEFAULTS);
    }
}
