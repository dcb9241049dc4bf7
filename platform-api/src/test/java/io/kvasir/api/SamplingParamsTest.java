package io.kvasir.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SamplingParamsTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        SamplingParams p = SamplingParams.defaults();
        assertThat(p.temperature()).isEqualTo(1.0);
        assertThat(p.topK()).isZero();
        assertThat(p.topP()).isEqualTo(1.0);
        assertThat(p.minP()).isZero();
        assertThat(p.repetitionPenalty()).isEqualTo(1.0);
        assertThat(p.penaltyLastN()).isEqualTo(64);
        assertThat(p.frequencyPenalty()).isZero();
        assertThat(p.presencePenalty()).isZero();
        assertThat(p.seed()).isNull();
        assertThat(p.maxTokens()).isEqualTo(SamplingParams.UNLIMITED_TOKENS);
        assertThat(p.stop()).isEmpty();
        assertThat(p.ignoreEos()).isFalse();
        assertThat(p.logprobs()).isFalse();
        assertThat(p.topLogprobs()).isZero();
        assertThat(p.isGreedy()).isFalse();
    }

    @Test
    void builderSetsEveryComponentAndToBuilderRoundTrips() {
        SamplingParams p = SamplingParams.builder()
                .temperature(0).topK(40).topP(0.9).minP(0.05).repetitionPenalty(1.1).penaltyLastN(128)
                .frequencyPenalty(-0.5).presencePenalty(0.5).seed(7L).maxTokens(100).stop("\n\n", "END")
                .ignoreEos(true).logprobs(true).topLogprobs(5).build();
        assertThat(p).isEqualTo(new SamplingParams(0, 40, 0.9, 0.05, 1.1, 128, -0.5, 0.5, 7L, 100,
                List.of("\n\n", "END"), true, true, 5));
        assertThat(p.isGreedy()).isTrue();
        assertThat(p.toBuilder().build()).isEqualTo(p);
    }

    @Test
    void acceptsTheEdgesOfEveryRange() {
        SamplingParams p = SamplingParams.builder()
                .temperature(2).topK(-1).topP(Double.MIN_VALUE).minP(1).repetitionPenalty(2).penaltyLastN(65_536)
                .frequencyPenalty(-2).presencePenalty(2).maxTokens(1)
                .stop(Collections.nCopies(16, "x".repeat(256))).logprobs(true).topLogprobs(20).build();
        assertThat(p.stop()).hasSize(16);
        assertThat(SamplingParams.builder().stop("\uD83D\uDE00").build().stop()).containsExactly("\uD83D\uDE00");
    }

    @Test
    void stopListIsAnUnmodifiableCopy() {
        List<String> stops = new ArrayList<>(List.of("a"));
        SamplingParams p = SamplingParams.builder().stop(stops).build();
        stops.add("b");
        assertThat(p.stop()).containsExactly("a");
        assertThatThrownBy(() -> p.stop().add("c")).isInstanceOf(UnsupportedOperationException.class);
    }

    static Stream<Arguments> badValues() {
        return Stream.of(
                bad("temperature NaN", b -> b.temperature(Double.NaN), "temperature", "[0, 2]"),
                bad("temperature +Infinity", b -> b.temperature(Double.POSITIVE_INFINITY), "temperature", "[0, 2]"),
                bad("temperature -Infinity", b -> b.temperature(Double.NEGATIVE_INFINITY), "temperature", "[0, 2]"),
                bad("temperature -1", b -> b.temperature(-1), "temperature", "[0, 2]"),
                bad("temperature 1e6", b -> b.temperature(1e6), "temperature", "[0, 2]"),
                bad("temperature just above 2", b -> b.temperature(Math.nextUp(2.0)), "temperature", "[0, 2]"),
                bad("top_k -2", b -> b.topK(-2), "top_k", "-1"),
                bad("top_k min int", b -> b.topK(Integer.MIN_VALUE), "top_k", "-1"),
                bad("top_p -1", b -> b.topP(-1), "top_p", "(0, 1]"),
                bad("top_p 0", b -> b.topP(0), "top_p", "(0, 1]"),
                bad("top_p 2", b -> b.topP(2), "top_p", "(0, 1]"),
                bad("top_p NaN", b -> b.topP(Double.NaN), "top_p", "(0, 1]"),
                bad("min_p -0.1", b -> b.minP(-0.1), "min_p", "[0, 1]"),
                bad("min_p 1.5", b -> b.minP(1.5), "min_p", "[0, 1]"),
                bad("min_p NaN", b -> b.minP(Double.NaN), "min_p", "[0, 1]"),
                bad("repetition_penalty 0", b -> b.repetitionPenalty(0), "repetition_penalty", "(0, 2]"),
                bad("repetition_penalty -1", b -> b.repetitionPenalty(-1), "repetition_penalty", "(0, 2]"),
                bad("repetition_penalty 3", b -> b.repetitionPenalty(3), "repetition_penalty", "(0, 2]"),
                bad("repetition_penalty Infinity", b -> b.repetitionPenalty(Double.POSITIVE_INFINITY),
                        "repetition_penalty", "(0, 2]"),
                bad("penalty_last_n -1", b -> b.penaltyLastN(-1), "penalty_last_n", "[0, 65536]"),
                bad("penalty_last_n too big", b -> b.penaltyLastN(65_537), "penalty_last_n", "[0, 65536]"),
                bad("frequency_penalty 2.5", b -> b.frequencyPenalty(2.5), "frequency_penalty", "[-2, 2]"),
                bad("frequency_penalty -3", b -> b.frequencyPenalty(-3), "frequency_penalty", "[-2, 2]"),
                bad("frequency_penalty NaN", b -> b.frequencyPenalty(Double.NaN), "frequency_penalty", "[-2, 2]"),
                bad("presence_penalty 2.5", b -> b.presencePenalty(2.5), "presence_penalty", "[-2, 2]"),
                bad("presence_penalty -Infinity", b -> b.presencePenalty(Double.NEGATIVE_INFINITY),
                        "presence_penalty", "[-2, 2]"),
                bad("max_tokens 0", b -> b.maxTokens(0), "max_tokens", "at least 1"),
                bad("max_tokens -1", b -> b.maxTokens(-1), "max_tokens", "at least 1"),
                bad("stop null list", b -> b.stop((List<String>) null), "stop", "list"),
                bad("stop 17 strings", b -> b.stop(Collections.nCopies(17, "x")), "stop", "at most 16"),
                bad("stop empty string", b -> b.stop("ok", ""), "stop[1]", "1 to 256"),
                bad("stop null element", b -> b.stop(Arrays.asList("ok", null)), "stop[1]", "1 to 256"),
                bad("stop 257 chars", b -> b.stop("x".repeat(257)), "stop[0]", "1 to 256"),
                bad("stop lone high surrogate", b -> b.stop("a\uD83D"), "stop[0]", "valid Unicode"),
                bad("stop lone low surrogate", b -> b.stop("\uDE00a"), "stop[0]", "valid Unicode"),
                bad("top_logprobs 21", b -> b.logprobs(true).topLogprobs(21), "top_logprobs", "[0, 20]"),
                bad("top_logprobs 1e6", b -> b.logprobs(true).topLogprobs(1_000_000), "top_logprobs", "[0, 20]"),
                bad("top_logprobs -1", b -> b.logprobs(true).topLogprobs(-1), "top_logprobs", "[0, 20]"),
                bad("top_logprobs without logprobs", b -> b.topLogprobs(3), "top_logprobs", "logprobs"));
    }

    private static Arguments bad(String description, UnaryOperator<SamplingParams.Builder> change,
            String parameter, String range) {
        return Arguments.of(description, change, parameter, range);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badValues")
    void rejectsBadValueNamingTheParameterAndTheAllowedRange(String description,
            UnaryOperator<SamplingParams.Builder> change, String parameter, String range) {
        SamplingParams.Builder builder = change.apply(SamplingParams.builder());
        assertThatThrownBy(builder::build)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(parameter + " ")
                .hasMessageContaining(range);
    }
}
