package io.kvasir.engine.tokenizer;

/** The kind of a vocabulary entry, as GGUF's {@code tokenizer.ggml.token_type} numbers it. */
public enum TokenType {
    /** Code 0 or any code this enum does not know. */
    UNDEFINED,
    /** Code 1: ordinary text piece. */
    NORMAL,
    /** Code 2: the unknown-token placeholder (and padding entries some converters mark so). */
    UNKNOWN,
    /** Code 3: control token such as BOS, EOS or a chat-template marker; contributes no output bytes. */
    CONTROL,
    /** Code 4: user-defined piece, matched in raw text before the normal algorithm runs. */
    USER_DEFINED,
    /** Code 5: reserved, never produced. */
    UNUSED,
    /** Code 6: SentencePiece byte-fallback piece {@code <0xNN>}. */
    BYTE;

    /** The type for a GGUF token-type code; unknown codes map to {@link #UNDEFINED}. */
    public static TokenType fromGguf(int code) {
        return switch (code) {
            case 1 -> NORMAL;
            case 2 -> UNKNOWN;
            case 3 -> CONTROL;
            case 4 -> USER_DEFINED;
            case 5 -> UNUSED;
            case 6 -> BYTE;
            default -> UNDEFINED;
        };
    }
}
