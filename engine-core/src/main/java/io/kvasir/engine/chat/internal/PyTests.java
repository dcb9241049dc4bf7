package io.kvasir.engine.chat.internal;

import com.hubspot.jinjava.el.ext.AbstractCallableMethod;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.exptest.ExpTest;

import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;

/**
 * Jinja's tests ({@code x is none}, {@code x is iterable}, ...) where Jinjava's differ: {@code none}
 * matches only None (not undefined), strings are iterable, {@code True} is a number but not an integer,
 * and equality follows Python.
 */
final class PyTests {

    private PyTests() {
    }

    /** All tests this class defines, to register over Jinjava's. */
    static List<ExpTest> all() {
        return List.of(
                new Named("none", (v, args) -> v == PyNone.INSTANCE),
                new Named("iterable", (v, args) -> v == null || PyValues.isString(v) || PyValues.isList(v) || v instanceof Map<?, ?>
                        || v instanceof Iterable<?>),
                new Named("sequence", (v, args) -> PyValues.isString(v) || PyValues.isList(v) || v instanceof Map<?, ?>),
                new Named("mapping", (v, args) -> v instanceof Map<?, ?>),
                new Named("string", (v, args) -> PyValues.isString(v)),
                new Named("number", (v, args) -> PyValues.isNumeric(v)),
                new Named("integer", (v, args) -> PyValues.isInt(v)),
                new Named("float", (v, args) -> PyValues.isFloat(v)),
                new Named("boolean", (v, args) -> v instanceof Boolean),
                new Named("true", (v, args) -> Boolean.TRUE.equals(v)),
                new Named("false", (v, args) -> Boolean.FALSE.equals(v)),
                new Named("defined", (v, args) -> v != null),
                new Named("in", (v, args) -> PyOperators.contains(argument("in", args), v)),
                new Named("callable", (v, args) -> v instanceof PyCallable || v instanceof AbstractCallableMethod),
                new Named("odd", (v, args) -> remainder(v, 2L) != 0),
                new Named("even", (v, args) -> remainder(v, 2L) == 0),
                new Named("divisibleby", (v, args) -> remainder(v, argument("divisibleby", args)) == 0),
                new Named("undefined", (v, args) -> v == null),
                equality("eq"), equality("equalto"), equality("=="),
                inequality("ne"), inequality("!="));
    }

    private static ExpTest equality(String name) {
        return new Named(name, (v, args) -> PyValues.eq(v, argument(name, args)));
    }

    private static ExpTest inequality(String name) {
        return new Named(name, (v, args) -> !PyValues.eq(v, argument(name, args)));
    }

    /** Python's {@code value % divisor} for the number tests, as a double for the zero check. */
    private static double remainder(Object value, Object divisor) {
        if (!PyValues.isNumeric(value) || !PyValues.isNumeric(divisor)) {
            throw new JinjaRuntimeError("unsupported operand type(s) for %: '" + PyValues.typeName(value) + "' and '"
                    + PyValues.typeName(divisor) + "'");
        }
        return PyValues.asNumber(value).doubleValue() % PyValues.asNumber(divisor).doubleValue();
    }

    private static Object argument(String test, Object[] args) {
        if (args == null || args.length == 0) {
            throw new JinjaRuntimeError("test '" + test + "' needs a value to compare with");
        }
        return args[0];
    }

    private record Named(String name, BiPredicate<Object, Object[]> predicate) implements ExpTest {
        @Override
        public String getName() {
            return name;
        }

        @Override
        public boolean evaluate(Object var, JinjavaInterpreter interpreter, Object... args) {
            return predicate.test(var, args);
        }
    }
}
