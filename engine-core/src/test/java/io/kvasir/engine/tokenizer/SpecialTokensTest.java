package io.kvasir.engine.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

/** Special-token parsing, BOS, end-of-generation and token bytes on the real vocabularies in shared/vocab. */
class SpecialTokensTest {

    private static int[] concat(int[]... parts) {
        return Arrays.stream(parts).flatMapToInt(IntStream::of).toArray();
    }

    @Test
    void parsesPhi3ChatMarkersAndSwallowsTheNewlineAfterThem() {
        Tokenizer phi3 = VocabVectors.tokenizer("ggml-vocab-phi-3");
        int user = 32010;
        int end = 32007;
        int assistant = 32001;
        assertThat(phi3.tokenText(user)).isEqualTo("<|user|>");

        int[] ids = phi3.encode("<|user|>\nHello<|end|>\n<|assistant|>\n", false, true);

        // Phi-3's special tokens rstrip, and the text after a special token gets the SentencePiece space prefix
        assertThat(ids).containsExactly(concat(new int[] {user}, phi3.encode("Hello", false, false),
                new int[] {end, assistant}));
    }

    @Test
    void leavesControlTokenTextAloneWithoutParseSpecial() {
        Tokenizer phi3 = VocabVectors.tokenizer("ggml-vocab-phi-3");

        int[] ids = phi3.encode("<|user|>Hello<|end|>", false, false);

        assertThat(ids).doesNotContain(32010, 32007);
        assertThat(phi3.decode(ids)).isEqualTo("<|user|>Hello<|end|>");
    }

    @Test
    void parsesGpt2EndOfTextOnlyWhenAsked() {
        Tokenizer gpt2 = VocabVectors.tokenizer("ggml-vocab-gpt-2");

        assertThat(gpt2.encode("Hi<|endoftext|>", false, true))
                .containsExactly(concat(gpt2.encode("Hi", false, false), new int[] {50256}));
        assertThat(gpt2.encode("Hi<|endoftext|>", false, false)).doesNotContain(50256);
    }

    @Test
    void prefersTheLongestSpecialTokenAtAPosition() {
        Tokenizer starcoder = VocabVectors.tokenizer("ggml-vocab-starcoder");
        assertThat(starcoder.tokenText(18)).isEqualTo("<pr>");
        assertThat(starcoder.tokenText(19)).isEqualTo("<pr_status>");

        assertThat(starcoder.encode("<pr_status><pr>", false, true)).containsExactly(19, 18);
    }

    @Test
    void matchesUserDefinedTokensEvenWithoutParseSpecial() {
        Tokenizer deepseek = VocabVectors.tokenizer("ggml-vocab-deepseek-coder");
        int eotMarker = 32021;
        int beginOfSentence = 32013;
        assertThat(deepseek.tokenText(eotMarker)).isEqualTo("<|EOT|>");

        assertThat(deepseek.encode("a<|EOT|>b", false, false)).contains(eotMarker);
        assertThat(deepseek.encode("<｜begin▁of▁sentence｜>", false, false)).doesNotContain(beginOfSentence);
        assertThat(deepseek.encode("<｜begin▁of▁sentence｜>", false, true)).containsExactly(beginOfSentence);
    }

    @Test
    void addsBosOnlyWhenAskedAndReportsTheModelsDefault() {
        Tokenizer llama = VocabVectors.tokenizer("ggml-vocab-llama-spm");
        Tokenizer gpt2 = VocabVectors.tokenizer("ggml-vocab-gpt-2");
        Tokenizer deepseek = VocabVectors.tokenizer("ggml-vocab-deepseek-coder");

        assertThat(llama.encode("Hello", true, false)).startsWith(1).hasSize(llama.encode("Hello", false, false).length + 1);
        assertThat(llama.encode("", true, false)).containsExactly(1);
        assertThat(llama.encode("", false, false)).isEmpty();
        assertThat(llama.addBosByDefault()).isTrue();
        assertThat(gpt2.addBosByDefault()).isFalse();
        assertThat(deepseek.addBosByDefault()).isTrue();
        assertThat(deepseek.bosId()).isEqualTo(32013);
    }

    @Test
    void findsEndOfGenerationTokensByMetadataAndByText() {
        Tokenizer phi3 = VocabVectors.tokenizer("ggml-vocab-phi-3");
        Tokenizer starcoder = VocabVectors.tokenizer("ggml-vocab-starcoder");
        Tokenizer llama = VocabVectors.tokenizer("ggml-vocab-llama-spm");

        assertThat(phi3.eosId()).isEqualTo(32000);
        assertThat(phi3.isEndOfGeneration(32000)).isTrue();
        assertThat(phi3.isEndOfGeneration(32007)).as("<|end|>").isTrue();
        assertThat(phi3.isEndOfGeneration(32010)).as("<|user|>").isFalse();
        assertThat(starcoder.isEndOfGeneration(0)).as("<|endoftext|>").isTrue();
        assertThat(starcoder.isEndOfGeneration(4)).as("<fim_pad>").isTrue();
        assertThat(starcoder.isEndOfGeneration(1)).as("<fim_prefix>").isFalse();
        assertThat(llama.isEndOfGeneration(2)).isTrue();
        assertThat(llama.isEndOfGeneration(1)).isFalse();
        assertThat(llama.isEndOfGeneration(-1)).isFalse();
        assertThat(llama.isEndOfGeneration(llama.vocabSize())).isFalse();
    }

    @Test
    void givesEachTokenItsOutputBytes() {
        Tokenizer llama = VocabVectors.tokenizer("ggml-vocab-llama-spm");
        Tokenizer gpt2 = VocabVectors.tokenizer("ggml-vocab-gpt-2");
        Tokenizer deepseek = VocabVectors.tokenizer("ggml-vocab-deepseek-coder");

        assertThat(llama.tokenText(13)).isEqualTo("<0x0A>");
        assertThat(llama.tokenBytes(13)).containsExactly(0x0A);
        int hello = llama.encode("Hello", false, false)[0];
        assertThat(llama.tokenText(hello)).isEqualTo("▁Hello");
        assertThat(llama.tokenBytes(hello)).isEqualTo(" Hello".getBytes(StandardCharsets.UTF_8));
        assertThat(llama.tokenBytes(1)).isEmpty();
        assertThat(llama.tokenBytes(0)).as("<unk>").isEmpty();

        int world = gpt2.encode(" world", false, false)[0];
        assertThat(gpt2.tokenText(world)).isEqualTo("Ġworld");
        assertThat(gpt2.tokenBytes(world)).isEqualTo(" world".getBytes(StandardCharsets.UTF_8));
        assertThat(gpt2.tokenBytes(50256)).isEmpty();

        // user-defined pieces are emitted as written, not through the byte table
        assertThat(deepseek.tokenText(32009)).isEqualTo("ü");
        assertThat(deepseek.tokenBytes(32009)).isEqualTo("ü".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void decodesPartialUtf8AsReplacementCharacters() {
        Tokenizer gpt2 = VocabVectors.tokenizer("ggml-vocab-gpt-2");
        int[] ids = gpt2.encode("🦙", false, false);
        assertThat(ids.length).isGreaterThan(1);

        assertThat(gpt2.decode(ids)).isEqualTo("🦙");
        assertThat(gpt2.decode(new int[] {ids[0]})).contains("\uFFFD");
    }

    @Test
    void encodesALoneSurrogateAsTheReplacementCharacter() {
        Tokenizer llama = VocabVectors.tokenizer("ggml-vocab-llama-spm");

        assertThat(llama.encode("a\uD800b", false, false)).isEqualTo(llama.encode("a\uFFFDb", false, false));
    }
}
