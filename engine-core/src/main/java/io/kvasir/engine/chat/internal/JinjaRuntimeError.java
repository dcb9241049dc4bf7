package io.kvasir.engine.chat.internal;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;

/**
 * An error Jinja itself would raise while rendering: {@code raise_exception(...)}, an undefined value used
 * in an operation, a type error or a sandbox violation. The message is the one Python would show, so
 * callers can report it verbatim.
 *
 * <p>Jinjava wraps (and on some paths reformats or drops) whatever an expression throws, so each error
 * also registers itself with the render in progress; the first one registered is what the render reports.
 */
final class JinjaRuntimeError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public JinjaRuntimeError(String message) {
        super(message, null, false, false);
        if (JinjavaInterpreter.getCurrent() instanceof PyInterpreter render) {
            render.recordFailure(this);
        }
    }

    /** Finds the first {@code JinjaRuntimeError} in a cause chain, or null. */
    static JinjaRuntimeError findIn(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            if (t instanceof JinjaRuntimeError error) {
                return error;
            }
            if (t.getCause() == t) {
                return null;
            }
        }
        return null;
    }
}
