package io.kvasir.engine.tokenizer;

/**
 * Turns text into token ids and token ids back into bytes, as the model's GGUF metadata describes.
 *
 * <p>Implementations are immutable and safe to share between threads.
 */
public interface Tokenizer {

    /**
     * Encodes text.
     *
     * @param text the text; must be valid Unicode (no lone surrogates)
     * @param addBos prepend the beginning-of-sequence token (when the vocabulary has one)
     * @param parseSpecial recognise special/control token texts such as {@code <|eot_id|>} in the text
     */
    int[] encode(String text, boolean addBos, boolean parseSpecial);

    /**
     * The bytes this token contributes to generated output: for SentencePiece the piece with
     * {@code ▁} as a space and {@code <0xNN>} as the raw byte; for byte-level BPE the piece mapped back
     * through the byte-to-unicode table. Control tokens (BOS, EOS, ...) give an empty array. A token's
     * bytes need not be valid UTF-8 on their own.
     */
    byte[] tokenBytes(int tokenId);

    /** Decodes a whole sequence to text (invalid UTF-8 becomes U+FFFD). */
    String decode(int[] tokenIds);

    /** Number of token ids. */
    int vocabSize();

    /** The beginning-of-sequence id, or -1. */
    int bosId();

    /** The end-of-sequence id, or -1. */
    int eosId();

    /** Whether the model's metadata asks for BOS to be added to prompts. */
    boolean addBosByDefault();

    /** Whether generating this token ends the generation (EOS, EOT and similar end-of-generation tokens). */
    boolean isEndOfGeneration(int tokenId);

    /** The token's text as stored in the vocabulary (for inspection and debugging). */
    String tokenText(int tokenId);
}
