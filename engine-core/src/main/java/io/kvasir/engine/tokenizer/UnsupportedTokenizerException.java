package io.kvasir.engine.tokenizer;

/**
 * The model's metadata asks for a tokenizer model or pre-tokenizer type Kvasir does not implement.
 *
 * <p>An {@link IllegalArgumentException}, so callers validating a model file can treat it like any other
 * bad argument; the message names the value and lists the supported ones.
 */
public class UnsupportedTokenizerException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /** The metadata value that was refused. */
    private final String value;

    public UnsupportedTokenizerException(String message, String value) {
        super(message);
        this.value = value;
    }

    /** The refused metadata value (for example {@code "t5"} or {@code "gpt-4o"}). */
    public String value() {
        return value;
    }
}
