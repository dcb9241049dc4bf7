package io.kvasir.engine.tokenizer;

import java.util.Arrays;
import java.util.Objects;

/**
 * The token table a tokenizer is built from, as GGUF stores it.
 *
 * <p>The arrays are taken as they are, not copied (a vocabulary holds up to a few hundred thousand
 * entries); callers must not modify them afterwards. Being arrays, they make {@code equals} an identity
 * comparison.
 *
 * <p>Invariants:
 * <ul>
 *   <li>{@code texts}, {@code scores} and {@code types} have the same length, the vocabulary size;</li>
 *   <li>{@code merges} is empty for SentencePiece vocabularies and holds "left right" pairs, best first,
 *       for byte-level BPE.</li>
 * </ul>
 *
 * @param texts token texts by id ({@code ▁} for space in SentencePiece, byte-to-unicode characters in BPE)
 * @param scores SentencePiece merge scores by id (zeros when the file has none)
 * @param types token types by id
 * @param merges BPE merges in rank order
 */
public record Vocabulary(String[] texts, float[] scores, TokenType[] types, String[] merges) {

    public Vocabulary {
        Objects.requireNonNull(texts, "texts");
        Objects.requireNonNull(scores, "scores");
        Objects.requireNonNull(types, "types");
        Objects.requireNonNull(merges, "merges");
        if (texts.length == 0) {
            throw new IllegalArgumentException("texts must not be empty");
        }
        if (scores.length != texts.length) {
            throw new IllegalArgumentException("scores has " + scores.length + " entries, texts " + texts.length);
        }
        if (types.length != texts.length) {
            throw new IllegalArgumentException("types has " + types.length + " entries, texts " + texts.length);
        }
        for (int i = 0; i < texts.length; i++) {
            if (texts[i] == null || types[i] == null) {
                throw new IllegalArgumentException("token " + i + " has no text or type");
            }
        }
    }

    /**
     * A vocabulary from GGUF-shaped arrays.
     *
     * @param texts token texts
     * @param scores scores, or null for all zeros
     * @param ggufTypes GGUF token-type codes, or null for all {@link TokenType#NORMAL}
     * @param merges BPE merges, or null for none
     */
    public static Vocabulary of(String[] texts, float[] scores, int[] ggufTypes, String[] merges) {
        Objects.requireNonNull(texts, "texts");
        TokenType[] types = new TokenType[texts.length];
        if (ggufTypes == null) {
            Arrays.fill(types, TokenType.NORMAL);
        } else {
            if (ggufTypes.length < texts.length) {
                throw new IllegalArgumentException(
                        "ggufTypes has " + ggufTypes.length + " entries, texts " + texts.length);
            }
            for (int i = 0; i < texts.length; i++) {
                types[i] = TokenType.fromGguf(ggufTypes[i]);
            }
        }
        if (scores != null && scores.length < texts.length) {
            throw new IllegalArgumentException("scores has " + scores.length + " entries, texts " + texts.length);
        }
        float[] sized = scores == null ? new float[texts.length]
                : scores.length == texts.length ? scores : Arrays.copyOf(scores, texts.length);
        return new Vocabulary(texts, sized, types, merges == null ? new String[0] : merges);
    }

    /** Number of token ids. */
    public int size() {
        return texts.length;
    }
}
