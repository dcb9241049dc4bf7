package io.kvasir.engine.chat;

/**
 * A chat template could not be compiled or rendered: a syntax error, an unknown filter or function, a value the
 * template cannot handle, or an error the template raised itself ({@code raise_exception('...')}, whose message is
 * passed through unchanged).
 */
public final class ChatTemplateException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Creates an exception with the given message. */
    public ChatTemplateException(String message) {
        super(message);
    }

    /** Creates an exception with the given message and cause. */
    public ChatTemplateException(String message, Throwable cause) {
        super(message, cause);
    }
}
