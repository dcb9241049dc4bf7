package io.kvasir.engine.tokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import io.kvasir.engine.gguf.GgufFile;
import io.kvasir.engine.testing.SharedFiles;

/**
 * llama.cpp's tokenizer test vectors in shared/vocab: a vocabulary-only GGUF, its {@code .inp} texts and
 * the {@code .out} token ids (encoded without BOS and without parsing special tokens).
 */
final class VocabVectors {

    static final List<String> FILES = List.of("ggml-vocab-llama-spm", "ggml-vocab-phi-3", "ggml-vocab-gpt-2",
            "ggml-vocab-starcoder", "ggml-vocab-deepseek-coder", "ggml-vocab-falcon");

    private static final String SEPARATOR = "\n__ggml_vocab_test__\n";
    private static final Map<String, Tokenizer> TOKENIZERS = new ConcurrentHashMap<>();

    /** One test text and its expected ids. */
    record Case(int number, String text, int[] expected) {
    }

    private VocabVectors() {
    }

    /** The tokenizer for a vocabulary file, built once per test run. */
    static Tokenizer tokenizer(String name) {
        return TOKENIZERS.computeIfAbsent(name, VocabVectors::load);
    }

    static List<Case> cases(String name) {
        Path input = SharedFiles.require("vocab/" + name + ".gguf.inp");
        Path output = SharedFiles.require("vocab/" + name + ".gguf.out");
        try {
            String content = Files.readString(input, StandardCharsets.UTF_8);
            List<String> texts = new ArrayList<>(Arrays.asList(content.split(Pattern.quote(SEPARATOR), -1)));
            if (!texts.isEmpty() && texts.getLast().isEmpty()) {
                texts.removeLast();
            }
            List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
            if (lines.size() != texts.size()) {
                throw new IllegalStateException(name + ": " + texts.size() + " texts but " + lines.size() + " id lines");
            }
            List<Case> cases = new ArrayList<>();
            for (int i = 0; i < texts.size(); i++) {
                String line = lines.get(i).trim();
                int[] ids = line.isEmpty() ? new int[0]
                        : Arrays.stream(line.split(" +")).mapToInt(Integer::parseInt).toArray();
                cases.add(new Case(i, texts.get(i), ids));
            }
            return cases;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Tokenizer load(String name) {
        Path file = SharedFiles.require("vocab/" + name + ".gguf");
        try (GgufFile gguf = GgufFile.open(file)) {
            return Tokenizers.fromMetadata(gguf.metadata());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
