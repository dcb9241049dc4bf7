package io.kvasir.engine.model.synth;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A SentencePiece-style vocabulary for synthetic models: {@code <unk>}, {@code <s>}, {@code </s>}, the 256
 * byte-fallback tokens, then word pieces over lowercase letters (with and without the {@code ▁} word
 * marker) in order of length, scored so that longer pieces merge later. Any text encodes (through byte
 * fallback), so a synthetic model runs every code path a real one does.
 */
final class SyntheticVocabulary {

    static final String ALPHABET = "etaoinshrdlucmfwypvbgkjqxz";
    static final int TYPE_NORMAL = 1;
    static final int TYPE_UNKNOWN = 2;
    static final int TYPE_CONTROL = 3;
    static final int TYPE_BYTE = 6;

    final String[] tokens;
    final float[] scores;
    final int[] types;

    private SyntheticVocabulary(String[] tokens, float[] scores, int[] types) {
        this.tokens = tokens;
        this.scores = scores;
        this.types = types;
    }

    /** A vocabulary of exactly {@code size} tokens (at least 300). */
    static SyntheticVocabulary of(int size) {
        if (size < 300) {
            throw new IllegalArgumentException("a synthetic vocabulary needs at least 300 tokens, got " + size);
        }
        List<String> pieces = new ArrayList<>(List.of("<unk>", "<s>", "</s>"));
        List<Integer> kinds = new ArrayList<>(List.of(TYPE_UNKNOWN, TYPE_CONTROL, TYPE_CONTROL));
        for (int b = 0; b < 256; b++) {
            pieces.add(String.format("<0x%02X>", b));
            kinds.add(TYPE_BYTE);
        }
        Set<String> words = new LinkedHashSet<>();
        words.add("\u2581");
        List<String> frontier = new ArrayList<>(List.of(""));
        while (pieces.size() + words.size() < size * 2) {
            List<String> next = new ArrayList<>();
            for (String prefix : frontier) {
                for (char c : ALPHABET.toCharArray()) {
                    next.add(prefix + c);
                }
            }
            for (String w : next) {
                words.add("\u2581" + w);
                words.add(w);
            }
            frontier = next;
        }
        for (String w : words) {
            if (pieces.size() == size) {
                break;
            }
            pieces.add(w);
            kinds.add(TYPE_NORMAL);
        }
        String[] tokens = pieces.toArray(String[]::new);
        float[] scores = new float[size];
        int[] types = new int[size];
        for (int i = 0; i < size; i++) {
            types[i] = kinds.get(i);
            scores[i] = types[i] == TYPE_NORMAL ? -(i - 259) : 0f;
        }
        return new SyntheticVocabulary(tokens, scores, types);
    }
}
