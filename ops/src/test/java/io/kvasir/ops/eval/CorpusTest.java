package io.kvasir.ops.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import io.kvasir.engine.tokenizer.Tokenizer;

class CorpusTest {

    /** One token per character, BOS = 1. */
    private static final Tokenizer CHARS = new Tokenizer() {
        @Override
        public int[] encode(String text, boolean addBos, boolean parseSpecial) {
            int[] ids = new int[text.length() + (addBos ? 1 : 0)];
            int i = 0;
            if (addBos) {
                ids[i++] = 1;
            }
            for (char c : text.toCharArray()) {
                ids[i++] = 3 + (c % 200);
            }
            return ids;
        }

        @Override
        public byte[] tokenBytes(int tokenId) {
            return new byte[0];
        }

        @Override
        public String decode(int[] tokenIds) {
            return "";
        }

        @Override
        public int vocabSize() {
            return 256;
        }

        @Override
        public int bosId() {
            return 1;
        }

        @Override
        public int eosId() {
            return 2;
        }

        @Override
        public boolean addBosByDefault() {
            return true;
        }

        @Override
        public boolean isEndOfGeneration(int tokenId) {
            return tokenId == 2;
        }

        @Override
        public String tokenText(int tokenId) {
            return "";
        }
    };

    @Test
    void storiesAreSplitTrimmedPrefixedWithBosAndCut() {
        Corpus corpus = Corpus.parse("test", "  abcdef \n<|story|>\n\n<|story|>xy<|story|>0123456789abc", CHARS, 10, 8);
        assertThat(corpus.stories()).hasSize(2);
        assertThat(corpus.stories().get(0)).hasSize(7).startsWith(1);
        assertThat(corpus.stories().get(1)).as("cut to 8 tokens, BOS included").hasSize(8);
        assertThat(corpus.maxLength()).isEqualTo(8);
        assertThat(corpus.numTokens()).isEqualTo(15);
    }

    @Test
    void keepsOnlyTheFirstStoriesAskedFor() {
        Corpus corpus = Corpus.parse("test", "aaaa<|story|>bbbb<|story|>cccc", CHARS, 2, 100);
        assertThat(corpus.stories()).hasSize(2);
        assertThat(corpus.stories().get(1)[1]).isEqualTo(3 + 'b');
    }

    @Test
    void aCorpusWithoutUsableStoriesIsRefused() {
        assertThatThrownBy(() -> Corpus.parse("empty.txt", "ab<|story|> ", CHARS, 10, 100))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty.txt");
    }

    @Test
    void theBuiltInStoriesLoadWithoutAFile() throws Exception {
        Corpus corpus = Corpus.load(null, CHARS, 100, 4096);
        assertThat(corpus.source()).isEqualTo(Corpus.BUILT_IN);
        assertThat(corpus.stories()).hasSizeGreaterThanOrEqualTo(4);
    }
}
