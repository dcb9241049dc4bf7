package io.kvasir.engine.tokenizer.internal;

import io.kvasir.engine.tokenizer.TokenType;

/**
 * Per-token attribute bits, as llama.cpp derives them from the token type and then adjusts them by
 * token text (end-of-turn markers become control tokens) and by model (Phi-3 strips after specials).
 */
public final class TokenAttributes {

    public static final int NORMAL = 1;
    public static final int UNKNOWN = 1 << 1;
    public static final int CONTROL = 1 << 2;
    public static final int USER_DEFINED = 1 << 3;
    public static final int UNUSED = 1 << 4;
    public static final int BYTE = 1 << 5;
    /** Whitespace before the token is dropped when it is parsed from text. */
    public static final int LSTRIP = 1 << 6;
    /** Whitespace after the token is dropped when it is parsed from text. */
    public static final int RSTRIP = 1 << 7;

    /** Tokens matched in raw text before the algorithm runs (the last two only with parseSpecial). */
    public static final int SPECIAL = CONTROL | USER_DEFINED | UNKNOWN;

    private TokenAttributes() {
    }

    public static int of(TokenType type) {
        return switch (type) {
            case NORMAL -> NORMAL;
            case UNKNOWN -> UNKNOWN;
            case CONTROL -> CONTROL;
            case USER_DEFINED -> USER_DEFINED;
            case UNUSED -> UNUSED;
            case BYTE -> BYTE;
            case UNDEFINED -> 0;
        };
    }
}
