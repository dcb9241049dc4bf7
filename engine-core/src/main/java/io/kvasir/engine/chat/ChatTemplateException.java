package io.kvasir.engine.chat;

/**
 * A chat template that does not parse, or a render that failed. When the template itself raised
 * ({@code raise_exception('...')}), the message is exactly the template's message; otherwise it is the
 * error Jinja would report ({@code 'functions' is undefined}, a type error, an exceeded limit, ...).
 */
public class ChatTemplateException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ChatTemplateException(String message) {
        super(message);
    }

    public ChatTemplateException(String message, Throwable cause) {
        super(message, cause);
    }
}
