package io.kvasir.engine.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.kvasir.engine.gguf.GgufFile;
import io.kvasir.engine.gguf.GgufMetadata;
import io.kvasir.engine.testing.SharedFiles;

/**
 * The optimised SentencePiece encoder (cut into regions no merge can cross, primitive heap, char-range
 * lookups) against a plain transcription of llama.cpp's single-queue algorithm, on real vocabularies.
 */
class SentencePieceReferenceTest {

    /** llama.cpp's SPM session, written for clarity: strings, a map and java.util.PriorityQueue. */
    private static final class Reference {
        private final Map<String, Integer> ids = new HashMap<>();
        private final float[] scores;

        Reference(String[] texts, float[] scores) {
            for (int id = 0; id < texts.length; id++) {
                ids.putIfAbsent(texts[id], id);
            }
            this.scores = scores;
        }

        private record Bigram(int left, int right, float score, int size) {
        }

        List<Integer> encode(String text) {
            String escaped = (" " + text).replace(' ', '▁');
            List<String> symbols = new ArrayList<>();
            escaped.codePoints().forEach(cp -> symbols.add(new String(Character.toChars(cp))));
            int n = symbols.size();
            int[] next = new int[n];
            int[] previous = new int[n];
            for (int i = 0; i < n; i++) {
                previous[i] = i - 1;
                next[i] = i + 1 < n ? i + 1 : -1;
            }
            PriorityQueue<Bigram> queue = new PriorityQueue<>((a, b) -> a.score() != b.score()
                    ? Float.compare(b.score(), a.score()) : Integer.compare(a.left(), b.left()));
            for (int i = 1; i < n; i++) {
                offer(queue, symbols, i - 1, i);
            }
            while (!queue.isEmpty()) {
                Bigram bigram = queue.poll();
                String left = symbols.get(bigram.left());
                String right = symbols.get(bigram.right());
                if (left.isEmpty() || right.isEmpty() || left.length() + right.length() != bigram.size()) {
                    continue;
                }
                symbols.set(bigram.left(), left + right);
                symbols.set(bigram.right(), "");
                next[bigram.left()] = next[bigram.right()];
                if (next[bigram.right()] >= 0) {
                    previous[next[bigram.right()]] = bigram.left();
                }
                offer(queue, symbols, previous[bigram.left()], bigram.left());
                offer(queue, symbols, bigram.left(), next[bigram.left()]);
            }
            List<Integer> out = new ArrayList<>();
            for (int i = 0; i != -1; i = next[i]) {
                Integer id = ids.get(symbols.get(i));
                if (id != null) {
                    out.add(id);
                } else {
                    for (byte b : symbols.get(i).getBytes(StandardCharsets.UTF_8)) {
                        out.add(ids.get(String.format("<0x%02X>", b & 0xFF)));
                    }
                }
            }
            return out;
        }

        private void offer(PriorityQueue<Bigram> queue, List<String> symbols, int left, int right) {
            if (left < 0 || right < 0) {
                return;
            }
            String text = symbols.get(left) + symbols.get(right);
            Integer id = ids.get(text);
            if (id != null) {
                queue.add(new Bigram(left, right, scores[id], text.length()));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ggml-vocab-llama-spm", "ggml-vocab-phi-3"})
    void encodesLikeTheSingleQueueAlgorithm(String name) throws IOException {
        Reference reference;
        try (GgufFile gguf = GgufFile.open(SharedFiles.require("vocab/" + name + ".gguf"))) {
            GgufMetadata metadata = gguf.metadata();
            reference = new Reference(metadata.getStringArray("tokenizer.ggml.tokens"),
                    metadata.getFloatArray("tokenizer.ggml.scores"));
        }
        Tokenizer tokenizer = VocabVectors.tokenizer(name);

        List<String> texts = new ArrayList<>();
        String stories = Files.readString(SharedFiles.require("eval/stories260K-samples.txt"));
        for (int i = 0; i + 2000 <= stories.length() && texts.size() < 20; i += 2000) {
            texts.add(stories.substring(i, i + 2000));
        }
        Random random = new Random(42);
        String[] alphabet = {" ", "  ", "\n", "\t", "a", "th", "e", "ing", "▁", "<", "s", ">", "<0x0A>", "é", "語",
                "🦙", "1", "23", "'", "!", ".", "<|end|>"};
        for (int t = 0; t < 300; t++) {
            StringBuilder text = new StringBuilder();
            for (int k = random.nextInt(30); k > 0; k--) {
                text.append(alphabet[random.nextInt(alphabet.length)]);
            }
            texts.add(text.toString());
        }

        for (String text : texts) {
            List<Integer> expected = text.isEmpty() ? List.of() : reference.encode(text);
            List<Integer> actual = new ArrayList<>();
            for (int id : tokenizer.encode(text, false, false)) {
                actual.add(id);
            }
            assertThat(actual).as("'%s'", text).isEqualTo(expected);
        }
    }
}
