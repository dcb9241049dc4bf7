package io.kvasir.engine.gguf;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import io.kvasir.engine.testing.SharedFiles;

class GgufFileTest {

    @Test
    void readsTheStories260KModel() throws Exception {
        Path model = SharedFiles.require("models/stories260K.gguf");
        try (GgufFile gguf = GgufFile.open(model)) {
            GgufMetadata md = gguf.metadata();
            assertThat(md.getString("general.architecture")).isEqualTo("llama");
            assertThat(md.getInt("llama.embedding_length")).isEqualTo(64);
            assertThat(md.getInt("llama.block_count")).isEqualTo(5);
            assertThat(md.getStringArray("tokenizer.ggml.tokens")).hasSize(512);
            assertThat(md.getFloatArray("tokenizer.ggml.scores")).hasSize(512);
            GgufTensor embeddings = gguf.tensor("token_embd.weight");
            assertThat(embeddings.type()).isEqualTo(GgmlType.F32);
            assertThat(embeddings.dims()).containsExactly(64, 512);
            assertThat(embeddings.byteSize()).isEqualTo(64L * 512 * 4);
        }
    }

    @Test
    void readsEveryQuantisedTinyModel() throws Exception {
        for (String type : new String[] {"f32", "f16", "q8_0", "q4_0", "q4_k", "q6_k"}) {
            try (GgufFile gguf = GgufFile.open(SharedFiles.require("models/tiny-gqa-" + type + ".gguf"))) {
                assertThat(gguf.tensors()).isNotEmpty();
                assertThat(gguf.metadata().getInt("llama.attention.head_count_kv")).isEqualTo(2);
            }
        }
    }
}
