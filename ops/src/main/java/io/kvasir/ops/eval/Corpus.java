package io.kvasir.ops.eval;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import io.kvasir.engine.tokenizer.Tokenizer;

/**
 * The texts the fidelity runs force through the engine: stories separated by {@value #SEPARATOR}, each
 * tokenised with BOS (when the vocabulary has one) and cut to a maximum length.
 *
 * <p>Without a file, a few short stories bundled with Kvasir are used, so the evaluation runs on a machine
 * with nothing downloaded; their fidelity numbers mean something only with a model trained on such text.
 *
 * @param source where the text came from (a path or {@link #BUILT_IN})
 * @param stories the token ids of each story, BOS first
 */
record Corpus(String source, List<int[]> stories) {

    static final String SEPARATOR = "<|story|>";
    static final String BUILT_IN = "built-in";
    private static final String RESOURCE = "default-corpus.txt";
    /** A story needs a prompt and at least two tokens to force in both the forced and the split mode. */
    static final int MIN_STORY_TOKENS = 4;

    Corpus {
        stories = List.copyOf(stories);
        if (stories.isEmpty()) {
            throw new IllegalArgumentException("the corpus " + source + " has no story of at least " + MIN_STORY_TOKENS
                    + " tokens (stories are separated by " + SEPARATOR + ")");
        }
    }

    /** Loads {@code file}, or the built-in stories when it is null. */
    static Corpus load(@Nullable Path file, Tokenizer tokenizer, int maxStories, int maxStoryTokens) throws IOException {
        String text = file == null ? builtInText() : Files.readString(file, StandardCharsets.UTF_8);
        return parse(file == null ? BUILT_IN : file.toString(), text, tokenizer, maxStories, maxStoryTokens);
    }

    static Corpus parse(String source, String text, Tokenizer tokenizer, int maxStories, int maxStoryTokens) {
        List<int[]> stories = new ArrayList<>();
        for (String story : text.split(java.util.regex.Pattern.quote(SEPARATOR))) {
            String trimmed = story.strip();
            if (trimmed.isEmpty() || stories.size() == maxStories) {
                continue;
            }
            int[] tokens = tokenizer.encode(trimmed, tokenizer.bosId() >= 0, false);
            if (tokens.length >= MIN_STORY_TOKENS) {
                stories.add(tokens.length > maxStoryTokens ? java.util.Arrays.copyOf(tokens, maxStoryTokens) : tokens);
            }
        }
        return new Corpus(source, stories);
    }

    int maxLength() {
        int max = 0;
        for (int[] story : stories) {
            max = Math.max(max, story.length);
        }
        return max;
    }

    long numTokens() {
        long n = 0;
        for (int[] story : stories) {
            n += story.length;
        }
        return n;
    }

    private static String builtInText() {
        try (InputStream in = Corpus.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the built-in corpus " + RESOURCE + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
