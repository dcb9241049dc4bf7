package io.kvasir.engine.chat.internal;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import io.kvasir.engine.chat.ChatTemplateException;

/**
 * Per-render record of the first error the template raised.
 *
 * <p>Jinjava turns exceptions thrown while evaluating an expression into error entries and keeps rendering, so an
 * error raised by the template ({@code raise_exception}, an undefined operand) is recorded here first and the caller
 * throws it once rendering returns. Only the first one counts, as in Jinja2, where rendering stops at the first.
 */
public final class RenderState {
    /** Context key under which each render's state is bound; not a valid Jinja identifier start, so unreachable. */
    public static final String CONTEXT_KEY = "__kvasir_render_state__";

    private String failure;

    /** The message of the first error raised during this render, or null. */
    public String failure() {
        return failure;
    }

    /**
     * Records {@code message} as the current render's failure (unless one was already recorded) and returns the
     * exception to throw so the expression stops evaluating.
     */
    public static ChatTemplateException raise(String message) {
        JinjavaInterpreter interpreter = JinjavaInterpreter.getCurrent();
        if (interpreter != null && interpreter.getContext().get(CONTEXT_KEY) instanceof RenderState state
                && state.failure == null) {
            state.failure = message;
        }
        return new ChatTemplateException(message);
    }
}
