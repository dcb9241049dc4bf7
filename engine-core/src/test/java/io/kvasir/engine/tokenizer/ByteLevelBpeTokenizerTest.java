package io.kvasir.engine.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.kvasir.engine.tokenizer.internal.ByteLevel;

/** The byte-level BPE algorithm on small hand-made vocabularies. */
class ByteLevelBpeTokenizerTest {

    private static final TokenizerOptions OPTIONS = TokenizerOptions.builder().build();

    /** The 256 single-byte tokens (id = byte), then {@code extra}. */
    private static Tokenizer bpe(String preType, List<String> extra, String... merges) {
        List<String> texts = new ArrayList<>();
        for (int b = 0; b < 256; b++) {
            texts.add(String.valueOf(ByteLevel.charOf(b)));
        }
        texts.addAll(extra);
        int[] types = new int[texts.size()];
        for (int i = 0; i < types.length; i++) {
            types[i] = texts.get(i).startsWith("<|") ? 3 : 1;
        }
        Vocabulary vocabulary = Vocabulary.of(texts.toArray(String[]::new), null, types, merges);
        return Tokenizers.byteLevelBpe(vocabulary, preType, OPTIONS);
    }

    private static List<String> pieces(Tokenizer tokenizer, String text) {
        List<String> texts = new ArrayList<>();
        for (int id : tokenizer.encode(text, false, true)) {
            texts.add(tokenizer.tokenText(id));
        }
        return texts;
    }

    @Test
    void mergesTheLowestRankedPairFirst() {
        List<String> vocab = List.of("ab", "bc");

        assertThat(pieces(bpe("gpt-2", vocab, "b c", "a b"), "abc")).containsExactly("a", "bc");
        assertThat(pieces(bpe("gpt-2", vocab, "a b", "b c"), "abc")).containsExactly("ab", "c");
    }

    @Test
    void mergesTheLeftmostOccurrenceOfARankFirst() {
        Tokenizer tokenizer = bpe("gpt-2", List.of("aa"), "a a");

        assertThat(pieces(tokenizer, "aaa")).containsExactly("aa", "a");
    }

    @Test
    void mergesThroughIntermediatesTheVocabularyLacks() {
        // "xy" is not a token, but the merge "xy z" builds the token "xyz" from it
        Tokenizer tokenizer = bpe("gpt-2", List.of("xyz"), "x y", "xy z");

        assertThat(pieces(tokenizer, "xyz")).containsExactly("xyz");
        assertThat(pieces(tokenizer, "xyw")).containsExactly("x", "y", "w");
    }

    @Test
    void mergesOnlyWithinPreTokenizerPieces() {
        Tokenizer tokenizer = bpe("gpt-2", List.of("Ġa", "a!"), "Ġ a", "a !");

        assertThat(pieces(tokenizer, "a a!")).containsExactly("a", "Ġa", "!");
    }

    @Test
    void takesAWholePieceThatIsATokenWhenThePreTokenizerIgnoresMerges() {
        List<String> vocab = List.of("ab", "abc");

        assertThat(pieces(bpe("llama-bpe", vocab, "a b"), "abc")).containsExactly("abc");
        assertThat(pieces(bpe("gpt-2", vocab, "a b"), "abc")).containsExactly("ab", "c");
    }

    @Test
    void encodesEveryByteOfNonAsciiText() {
        Tokenizer tokenizer = bpe("gpt-2", List.of());

        int[] ids = tokenizer.encode("é", false, false);

        assertThat(ids).containsExactly(0xC3, 0xA9);
        assertThat(tokenizer.decode(ids)).isEqualTo("é");
    }

    @Test
    void treatsEndOfTextMarkersAsEndOfGeneration() {
        Tokenizer tokenizer = bpe("gpt-2", List.of("<|endoftext|>"));
        int endOfText = 256;

        assertThat(tokenizer.encode("a<|endoftext|>", false, true)).containsExactly('a', endOfText);
        assertThat(tokenizer.isEndOfGeneration(endOfText)).isTrue();
        assertThat(tokenizer.tokenBytes(endOfText)).isEmpty();
    }

    @Test
    void refusesAnUnknownPreTokenizerNamingTheSupportedOnes() {
        assertThatThrownBy(() -> bpe("gpt-4o", List.of()))
                .isInstanceOf(UnsupportedTokenizerException.class)
                .hasMessageContaining("'gpt-4o'")
                .hasMessageContaining("llama-bpe")
                .hasMessageContaining("qwen2");
    }
}
