package io.kvasir.engine.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import io.kvasir.engine.gguf.GgufFile;
import io.kvasir.engine.testing.SharedFiles;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** The stories260K goldens from llama.cpp: prompt tokens (with BOS) and the generated text. */
class StoriesGoldenTest {

    @Test
    void encodesPromptsAndDecodesGenerationsAsLlamaCppDid() throws Exception {
        Path model = SharedFiles.require("models/stories260K.gguf");
        JsonNode golden = new ObjectMapper().readTree(SharedFiles.require("goldens/stories260K.json").toFile());
        Tokenizer tokenizer;
        try (GgufFile gguf = GgufFile.open(model)) {
            tokenizer = Tokenizers.fromMetadata(gguf.metadata());
        }

        int numCases = 0;
        for (JsonNode c : golden.get("cases")) {
            int[] promptTokens = ints(c.get("prompt_tokens"));
            int[] greedyTokens = ints(c.get("greedy_tokens"));

            assertThat(tokenizer.encode(c.get("prompt").asString(), tokenizer.addBosByDefault(), false))
                    .as(c.get("prompt").asString())
                    .containsExactly(promptTokens);
            // generated text is each token's bytes in turn, as llama.cpp streams it
            ByteArrayOutputStream text = new ByteArrayOutputStream();
            for (int id : greedyTokens) {
                text.writeBytes(tokenizer.tokenBytes(id));
            }
            assertThat(text.toString(StandardCharsets.UTF_8)).isEqualTo(c.get("greedy_text").asString());
            assertThat(tokenizer.isEndOfGeneration(greedyTokens[greedyTokens.length - 1])).isFalse();
            numCases++;
        }
        assertThat(numCases).isPositive();
    }

    private static int[] ints(JsonNode array) {
        int[] values = new int[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).asInt();
        }
        return values;
    }
}
