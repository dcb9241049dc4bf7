package io.kvasir.api;

import org.jspecify.annotations.Nullable;

/**
 * A request that cannot be served as asked: an empty prompt, a prompt plus {@code max_tokens} longer
 * than the context, a token id outside the vocabulary. The message says what is wrong; {@link #param()}
 * names the offending parameter in the OpenAI API's terms when there is one.
 */
public class InvalidRequestException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final @Nullable String param;

    public InvalidRequestException(@Nullable String param, String message) {
        super(message);
        this.param = param;
    }

    /** The parameter at fault ({@code messages}, {@code max_tokens}, ...), or null. */
    public @Nullable String param() {
        return param;
    }
}
