package io.kvasir.engine.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.kvasir.engine.gguf.GgufArray;
import io.kvasir.engine.gguf.GgufMetadata;
import io.kvasir.engine.gguf.GgufValueType;
import io.kvasir.engine.tokenizer.internal.ByteLevel;

/** Reading tokenizer settings from GGUF metadata, with llama.cpp's defaults, and refusing what is unsupported. */
class TokenizersTest {

    /** Builds metadata the way the GGUF reader holds it. */
    private static final class Metadata {
        private final Map<String, Object> values = new LinkedHashMap<>();
        private final Map<String, GgufValueType> types = new LinkedHashMap<>();

        Metadata string(String key, String value) {
            values.put(key, value);
            types.put(key, GgufValueType.STRING);
            return this;
        }

        Metadata integer(String key, long value) {
            values.put(key, value);
            types.put(key, GgufValueType.UINT32);
            return this;
        }

        Metadata bool(String key, boolean value) {
            values.put(key, value);
            types.put(key, GgufValueType.BOOL);
            return this;
        }

        Metadata strings(String key, String... array) {
            values.put(key, new GgufArray(GgufValueType.STRING, array));
            types.put(key, GgufValueType.ARRAY);
            return this;
        }

        Metadata ints(String key, long... array) {
            values.put(key, new GgufArray(GgufValueType.INT64, array));
            types.put(key, GgufValueType.ARRAY);
            return this;
        }

        GgufMetadata build() {
            return GgufMetadata.of(null, values, types);
        }
    }

    private static Metadata spm() {
        return new Metadata()
                .string("tokenizer.ggml.model", "llama")
                .strings("tokenizer.ggml.tokens", "<unk>", "<s>", "</s>", "▁a", "<|im_end|>")
                .ints("tokenizer.ggml.token_type", 2, 3, 3, 1, 1);
    }

    private static Metadata gpt2(String pre) {
        String[] tokens = new String[257];
        for (int b = 0; b < 256; b++) {
            tokens[b] = String.valueOf(ByteLevel.charOf(b));
        }
        tokens[256] = "<|endoftext|>";
        Metadata metadata = new Metadata()
                .string("tokenizer.ggml.model", "gpt2")
                .strings("tokenizer.ggml.tokens", tokens)
                .strings("tokenizer.ggml.merges", "a b");
        return pre == null ? metadata : metadata.string("tokenizer.ggml.pre", pre);
    }

    @Test
    void appliesLlamaCppDefaultsToASentencePieceVocabulary() {
        Tokenizer tokenizer = Tokenizers.fromMetadata(spm().build());

        assertThat(tokenizer.bosId()).isEqualTo(1);
        assertThat(tokenizer.eosId()).isEqualTo(2);
        assertThat(tokenizer.addBosByDefault()).isTrue();
        assertThat(tokenizer.encode("a", true, false)).containsExactly(1, 3);
        assertThat(tokenizer.isEndOfGeneration(4)).as("<|im_end|> by its text").isTrue();
        assertThat(tokenizer.tokenBytes(4)).as("an end marker is a control token").isEmpty();
    }

    @Test
    void readsSpecialIdsAndFlagsFromTheMetadata() {
        Tokenizer tokenizer = Tokenizers.fromMetadata(spm()
                .integer("tokenizer.ggml.bos_token_id", 3)
                .integer("tokenizer.ggml.eos_token_id", 1)
                .integer("tokenizer.ggml.eot_token_id", 0)
                .bool("tokenizer.ggml.add_bos_token", false)
                .bool("tokenizer.ggml.add_space_prefix", false)
                .build());

        assertThat(tokenizer.bosId()).isEqualTo(3);
        assertThat(tokenizer.eosId()).isEqualTo(1);
        assertThat(tokenizer.isEndOfGeneration(0)).isTrue();
        assertThat(tokenizer.addBosByDefault()).isFalse();
        assertThat(tokenizer.encode("▁a", false, false)).containsExactly(3);
    }

    @Test
    void ignoresSpecialIdsOutsideTheVocabulary() {
        Tokenizer tokenizer = Tokenizers.fromMetadata(spm()
                .integer("tokenizer.ggml.bos_token_id", 4_294_967_295L)
                .build());

        assertThat(tokenizer.bosId()).isEqualTo(1);
    }

    @Test
    void usesTheDefaultPreTokenizerWhenTheTypeIsMissing() {
        // token ids are byte values here; the default pre-tokenizer splits "a ," into "a", " ", ","
        Tokenizer tokenizer = Tokenizers.fromMetadata(gpt2(null).build());

        assertThat(tokenizer.bosId()).isEqualTo(-1);
        assertThat(tokenizer.addBosByDefault()).isFalse();
        assertThat(tokenizer.encode("a ,", false, false)).containsExactly('a', ' ', ',');
    }

    @Test
    void addsBosByDefaultForLlama3StyleVocabularies() {
        assertThat(Tokenizers.fromMetadata(gpt2("llama-bpe").build()).addBosByDefault()).isTrue();
        assertThat(Tokenizers.fromMetadata(gpt2("llama-bpe").bool("tokenizer.ggml.add_bos_token", false).build())
                .addBosByDefault()).isFalse();
        assertThat(Tokenizers.fromMetadata(gpt2("qwen2").build()).addBosByDefault()).isFalse();
    }

    @Test
    void refusesAnUnknownTokenizerModelNamingTheSupportedOnes() {
        assertThatThrownBy(() -> Tokenizers.fromMetadata(spm().string("tokenizer.ggml.model", "t5").build()))
                .isInstanceOfSatisfying(UnsupportedTokenizerException.class, e -> assertThat(e.value()).isEqualTo("t5"))
                .hasMessageContaining("'t5'")
                .hasMessageContaining("llama")
                .hasMessageContaining("gpt2");
    }

    @Test
    void refusesAnUnknownPreTokenizerType() {
        assertThatThrownBy(() -> Tokenizers.fromMetadata(gpt2("tekken").build()))
                .isInstanceOf(UnsupportedTokenizerException.class)
                .hasMessageContaining("tokenizer.ggml.pre = 'tekken'")
                .hasMessageContaining("deepseek-coder");
    }

    @Test
    void refusesMetadataWithoutATokenizer() {
        assertThatThrownBy(() -> Tokenizers.fromMetadata(new Metadata().string("general.name", "x").build()))
                .isInstanceOf(UnsupportedTokenizerException.class)
                .hasMessageContaining("tokenizer.ggml.model");
    }
}
