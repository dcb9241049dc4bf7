package io.kvasir.engine.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kvasir.api.InvalidRequestException;
import io.kvasir.engine.chat.ChatMessage;
import io.kvasir.engine.gguf.GgufFormatException;
import io.kvasir.engine.gguf.GgufWriter;
import io.kvasir.engine.testing.SharedFiles;

class LoadedModelTest {

    @Test
    void aBadModelHyperParameterNamesTheFileAndTheKeyOnce(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("zero-layers.gguf");
        GgufWriter.builder()
                .put("general.architecture", "llama")
                .put("tokenizer.ggml.model", "llama")
                .putArray("tokenizer.ggml.tokens", "<unk>", "<s>", "</s>", "a")
                .putArray("tokenizer.ggml.scores", 0f, 0f, 0f, 0f)
                .putArray("tokenizer.ggml.token_type", 2, 3, 3, 1)
                .putU32("llama.embedding_length", 64)
                .putU32("llama.block_count", 0)
                .putU32("llama.attention.head_count", 4)
                .putU32("llama.feed_forward_length", 128)
                .write(file);
        assertThatThrownBy(() -> LoadedModel.load(file)).isInstanceOf(GgufFormatException.class)
                .hasMessage(file + ": llama.block_count: value 0 outside 1..1024");
    }

    @Test
    void encodesAConversationWithTheChatTemplateAndOneBos() throws Exception {
        try (LoadedModel model = LoadedModel.load(SharedFiles.require("models/stories260K.gguf"))) {
            int[] tokens = model.encodeChat(List.of(ChatMessage.system("Be brief."), ChatMessage.user("Hi")));

            // stories260K has no template of its own: the ChatML fallback renders the conversation.
            assertThat(tokens[0]).isEqualTo(model.tokenizer().bosId());
            assertThat(Arrays.stream(tokens).filter(t -> t == model.tokenizer().bosId()).count()).isEqualTo(1);
            assertThat(model.tokenizer().decode(Arrays.copyOfRange(tokens, 1, tokens.length)))
                    .isEqualTo("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
        }
    }

    @Test
    void aConversationWithALoneSurrogateIsRefusedNamingTheMessage() throws Exception {
        try (LoadedModel model = LoadedModel.load(SharedFiles.require("models/stories260K.gguf"))) {
            assertThatThrownBy(() -> model.encodeChat(List.of(ChatMessage.user("fine \uD83D\uDE00"), ChatMessage.user("bad \uD800!"))))
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("messages[1].content")
                    .hasMessageContaining("index 4");
        }
    }
}
