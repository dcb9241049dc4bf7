package io.kvasir.engine.chat.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * The global functions of Hugging Face's template environment: {@code raise_exception(message)} and the
 * sandbox's {@code range(...)}.
 */
public final class PyFunctions {

    /** Jinja's sandbox refuses larger ranges (its {@code MAX_RANGE}). */
    public static final int MAX_RANGE = 100_000;

    private PyFunctions() {
    }

    /** {@code raise_exception(message)}: aborts the render with the message. Declared to return for use in expressions. */
    public static Object raiseException(Object message) {
        throw new JinjaRuntimeError(PyValues.str(message));
    }

    /** {@code range(stop)}, {@code range(start, stop[, step])} as a list, at most {@link #MAX_RANGE} items. */
    public static List<Object> range(Object first, Object... rest) {
        long start = 0;
        long stop;
        long step = 1;
        if (rest == null || rest.length == 0) {
            stop = integer(first);
        } else {
            start = integer(first);
            stop = integer(rest[0]);
            if (rest.length > 1) {
                step = integer(rest[1]);
            }
            if (rest.length > 2) {
                throw new JinjaRuntimeError("range expected at most 3 arguments, got " + (rest.length + 1));
            }
        }
        if (step == 0) {
            throw new JinjaRuntimeError("range() arg 3 must not be zero");
        }
        long size = step > 0 ? Math.max(0, ceilDiv(stop - start, step)) : Math.max(0, ceilDiv(start - stop, -step));
        if (size > MAX_RANGE) {
            throw new JinjaRuntimeError("Range too big. The sandbox blocks ranges larger than MAX_RANGE (" + MAX_RANGE + ").");
        }
        List<Object> values = new ArrayList<>((int) size);
        for (long i = 0, v = start; i < size; i++, v += step) {
            values.add(v);
        }
        return values;
    }

    private static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }

    private static long integer(Object value) {
        if (value instanceof Boolean || PyValues.isInt(value)) {
            return PyValues.asNumber(value).longValue();
        }
        throw new JinjaRuntimeError("'" + PyValues.typeName(value) + "' object cannot be interpreted as an integer");
    }
}
