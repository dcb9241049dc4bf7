package io.kvasir.engine.chat.internal;

import com.hubspot.jinjava.el.TruthyTypeConverter;

/**
 * Coerces to boolean with Python's truthiness ({@code "false"} and {@code 0.5} are true) and to string
 * with Python's {@code str()}, wherever the expression language needs a boolean or a string.
 */
final class PyTypeConverter extends TruthyTypeConverter {

    private static final long serialVersionUID = 1L;

    @Override
    protected Boolean coerceToBoolean(Object value) {
        return PyValues.truthy(value);
    }

    @Override
    protected String coerceToString(Object value) {
        return PyValues.str(value);
    }
}
