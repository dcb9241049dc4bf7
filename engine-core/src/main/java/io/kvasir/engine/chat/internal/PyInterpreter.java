package io.kvasir.engine.chat.internal;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.TemplateError;

/**
 * One render's interpreter: prints values with Python's {@code str()}, remembers the first failure (a
 * Jinja-level error or a fatal Jinjava error; the render aborts on it, as Python would on an exception)
 * and counts steps against a budget so no template can loop without bound.
 *
 * <p>Not thread-safe; one instance per render.
 */
final class PyInterpreter extends JinjavaInterpreter {

    private final long maxNumNodes;
    private long numNodes;
    private Object firstFailure;

    PyInterpreter(Jinjava jinjava, Context context, JinjavaConfig config, long maxNumNodes) {
        super(jinjava, context, config);
        this.maxNumNodes = maxNumNodes;
    }

    @Override
    public String getAsString(Object value) {
        return PyValues.str(value);
    }

    @Override
    public void addError(TemplateError error) {
        String message = error.getMessage();
        if (message != null && (message.startsWith("Max recursion limit") || message.startsWith("Cycle detected for macro"))) {
            // Jinjava only warns and renders the call as empty; Python raises RecursionError.
            throw new JinjaRuntimeError("maximum recursion depth exceeded: " + message);
        }
        if (firstFailure == null && error.getSeverity() == TemplateError.ErrorType.FATAL) {
            firstFailure = error;
        }
        super.addError(error);
    }

    /** Notes a Python-level error raised during this render, unless an earlier failure is already noted. */
    void recordFailure(JinjaRuntimeError error) {
        if (firstFailure == null) {
            firstFailure = error;
        }
    }

    /** The render's first failure: a {@link JinjaRuntimeError}, a fatal {@link TemplateError}, or null. */
    Object firstFailure() {
        return firstFailure;
    }

    /** Counts one rendered node; fails the render once the budget is spent. */
    void countNode() {
        if (++numNodes > maxNumNodes) {
            throw new JinjaRuntimeError("template rendering exceeded " + maxNumNodes + " steps");
        }
    }
}
