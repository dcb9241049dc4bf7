package io.kvasir.engine.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The SentencePiece algorithm on small hand-made vocabularies. */
class SentencePieceTokenizerTest {

    private static final TokenizerOptions OPTIONS = TokenizerOptions.builder().bosId(1).eosId(2).addBos(true).build();

    /** {@code <unk> <s> </s>}, the 256 byte tokens, then the given pieces with their scores. */
    private static final class VocabularyBuilder {
        final List<String> texts = new ArrayList<>(List.of("<unk>", "<s>", "</s>"));
        final List<Float> scores = new ArrayList<>(List.of(0f, 0f, 0f));
        final List<Integer> types = new ArrayList<>(List.of(2, 3, 3));

        VocabularyBuilder() {
            for (int b = 0; b < 256; b++) {
                add(String.format("<0x%02X>", b), 0f, 6);
            }
        }

        VocabularyBuilder add(String text, float score, int type) {
            texts.add(text);
            scores.add(score);
            types.add(type);
            return this;
        }

        VocabularyBuilder pieces(Map<String, Float> pieces) {
            pieces.forEach((text, score) -> add(text, score, 1));
            return this;
        }

        Tokenizer build(TokenizerOptions options) {
            float[] scoreArray = new float[scores.size()];
            for (int i = 0; i < scoreArray.length; i++) {
                scoreArray[i] = scores.get(i);
            }
            int[] typeArray = types.stream().mapToInt(Integer::intValue).toArray();
            return Tokenizers.sentencePiece(
                    Vocabulary.of(texts.toArray(String[]::new), scoreArray, typeArray, null), options);
        }
    }

    private static List<String> pieces(Tokenizer tokenizer, int[] ids) {
        List<String> texts = new ArrayList<>();
        for (int id : ids) {
            texts.add(tokenizer.tokenText(id));
        }
        return texts;
    }

    private static Tokenizer abc(float ab, float bc, float spaceA) {
        return new VocabularyBuilder()
                .pieces(Map.of("▁", -10f, "a", -10f, "b", -10f, "c", -10f, "ab", ab, "bc", bc, "▁a", spaceA))
                .build(OPTIONS);
    }

    @Test
    void mergesTheHighestScoringPairFirst() {
        Tokenizer abFirst = abc(-1, -2, -3);
        Tokenizer bcFirst = abc(-2, -1, -3);

        assertThat(pieces(abFirst, abFirst.encode("abc", false, false))).containsExactly("▁", "ab", "c");
        assertThat(pieces(bcFirst, bcFirst.encode("abc", false, false))).containsExactly("▁a", "bc");
    }

    @Test
    void mergesTheLeftmostPairWhenScoresTie() {
        Tokenizer tied = abc(-1, -1, -5);

        assertThat(pieces(tied, tied.encode("abc", false, false))).containsExactly("▁", "ab", "c");
    }

    @Test
    void fallsBackToByteTokensForUnknownCharacters() {
        Tokenizer tokenizer = abc(-1, -2, -3);

        assertThat(pieces(tokenizer, tokenizer.encode("é🦙", false, false)))
                .containsExactly("▁", "<0xC3>", "<0xA9>", "<0xF0>", "<0x9F>", "<0xA6>", "<0x99>");
        assertThat(tokenizer.decode(tokenizer.encode("é🦙", false, false))).isEqualTo("é🦙");
    }

    @Test
    void writesSpacesAsTheSpaceMarkAndPrefixesOneUnlessDisabled() {
        Tokenizer prefixed = abc(-1, -2, -3);
        Tokenizer bare = new VocabularyBuilder()
                .pieces(Map.of("▁", -10f, "a", -10f, "b", -10f, "ab", -1f, "▁a", -3f))
                .build(TokenizerOptions.builder().addSpacePrefix(false).build());

        assertThat(pieces(prefixed, prefixed.encode("a a", false, false))).containsExactly("▁a", "▁a");
        assertThat(pieces(bare, bare.encode("ab a", false, false))).containsExactly("ab", "▁a");
        assertThat(prefixed.decode(prefixed.encode("a a", false, false))).isEqualTo("a a");
        assertThat(bare.decode(bare.encode("ab a", false, false))).isEqualTo("ab a");
    }

    @Test
    void prefixesASpaceToTextAfterASpecialToken() {
        Tokenizer tokenizer = new VocabularyBuilder()
                .pieces(Map.of("▁", -10f, "a", -10f, "▁a", -1f))
                .add("<ctl>", 0f, 3)
                .add("<ud>", 0f, 4)
                .build(OPTIONS);

        assertThat(pieces(tokenizer, tokenizer.encode("a<ctl>a", false, true))).containsExactly("▁a", "<ctl>", "▁a");
        assertThat(pieces(tokenizer, tokenizer.encode("a<ud>a", false, false))).containsExactly("▁a", "<ud>", "▁a");
        assertThat(pieces(tokenizer, tokenizer.encode("a<ctl>a", false, false))).doesNotContain("<ctl>");
    }

    @Test
    void dropsTheSpacePrefixOfTheFirstTokenWhenDecoding() {
        Tokenizer tokenizer = abc(-1, -2, -3);
        int[] ids = tokenizer.encode("abc", false, false);

        assertThat(tokenizer.decode(ids)).isEqualTo("abc");
        // as in llama.cpp's detokenize, a leading BOS takes the place of the first token
        assertThat(tokenizer.decode(tokenizer.encode("abc", true, false))).isEqualTo(" abc");
    }

    @Test
    void refusesTokenIdsOutsideTheVocabulary() {
        Tokenizer tokenizer = abc(-1, -2, -3);

        assertThatThrownBy(() -> tokenizer.tokenBytes(tokenizer.vocabSize()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tokenId");
        assertThatThrownBy(() -> tokenizer.decode(new int[] {-1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tokenId -1");
    }
}
