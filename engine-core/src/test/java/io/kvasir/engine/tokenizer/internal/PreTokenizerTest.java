package io.kvasir.engine.tokenizer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;

import org.junit.jupiter.api.Test;

/** The pre-tokenizer regex lists, piece by piece, including types the shared vectors do not cover. */
class PreTokenizerTest {

    private static List<String> split(String type, String text) {
        PreTokenizer preTokenizer = PreTokenizer.forType(type);
        assertThat(preTokenizer).as(type).isNotNull();
        Matcher[] matchers = preTokenizer.newMatchers(text);
        IntList ends = new IntList(8);
        preTokenizer.split(matchers, 0, text.length(), ends, new IntList(8));
        List<String> pieces = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < ends.size(); i++) {
            pieces.add(text.substring(start, ends.get(i)));
            start = ends.get(i);
        }
        return pieces;
    }

    @Test
    void splitsGpt2StyleWithContractionsAndTrailingWhitespaceRuns() {
        assertThat(split("gpt-2", "Hello world's  123 !!\n"))
                .containsExactly("Hello", " world", "'s", " ", " 123", " !!", "\n");
    }

    @Test
    void treatsUnicodeWhitespaceAsWhitespace() {
        // with Java's ASCII-only \s the two ideographic spaces would form one punctuation-like piece
        assertThat(split("gpt-2", "a\u3000\u3000b")).containsExactly("a", "\u3000", "\u3000", "b");
    }

    @Test
    void keepsSupplementaryLettersTogether() {
        assertThat(split("gpt-2", "𝔘𝔫𝔦 code")).containsExactly("𝔘𝔫𝔦", " code");
    }

    @Test
    void splitsLlama3WithDigitTriplesAndNewlineRuns() {
        assertThat(split("llama-bpe", "Hello 12345 world\n\n  x"))
                .containsExactly("Hello", " ", "123", "45", " world", "\n\n", " ", " x");
        assertThat(split("llama-bpe", "I'LL DON'T")).containsExactly("I", "'LL", " DON", "'T");
    }

    @Test
    void splitsQwen2DigitsOneByOne() {
        assertThat(split("qwen2", "abc 12345")).containsExactly("abc", " ", "1", "2", "3", "4", "5");
    }

    @Test
    void splitsStarcoderDigitsBeforeTheGpt2Regex() {
        assertThat(split("starcoder", "abc 123")).containsExactly("abc", " ", "1", "2", "3");
    }

    @Test
    void splitsFalconPunctuationRunsAndDigitTriples() {
        assertThat(split("falcon", "a+b=1000")).containsExactly("a", "+", "b", "=", "100", "0");
    }

    @Test
    void splitsDefaultPunctuationAwayFromTheSpaceBeforeIt() {
        assertThat(split("default", "a ,b")).containsExactly("a", " ", ",", "b");
        assertThat(split("gpt-2", "a ,b")).containsExactly("a", " ,", "b");
    }

    @Test
    void splitsDeepseekCoderOnNewlinesLettersAndSingleDigits() {
        assertThat(split("deepseek-coder", "Hi 42\nnext")).containsExactly("Hi", " ", "4", "2", "\n", "next");
    }

    @Test
    void refusesUnknownTypes() {
        assertThat(PreTokenizer.forType("gpt-4o")).isNull();
    }
}
