package io.kvasir.engine.chat.internal;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.filter.Filter;
import com.hubspot.jinjava.objects.SafeString;
import java.util.Arrays;
import java.util.Map;

/**
 * Jinja2's {@code string} and {@code join} filters where Jinjava's differ: values become text through Python's
 * {@code str()} ({@code True}, {@code {'k': 'v'}}).
 */
final class PyStringFilters {
    private PyStringFilters() {}

    /** {@code value | string}. */
    static final class StringFilter implements Filter {
        @Override
        public String getName() {
            return "string";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            return PyValues.str(var);
        }
    }

    /** {@code items | join(separator='', attribute=None)}. */
    static final class JoinFilter implements Filter {
        @Override
        public String getName() {
            return "join";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            return filter(var, interpreter, (Object[]) args, Map.of());
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
            Object separator = kwargs.containsKey("d") ? kwargs.get("d")
                    : args != null && args.length > 0 ? args[0] : "";
            Object attribute = kwargs.containsKey("attribute") ? kwargs.get("attribute")
                    : args != null && args.length > 1 ? args[1] : null;
            Iterable<?> items = switch (var) {
                case null -> java.util.List.of();
                case String s -> s.chars().mapToObj(c -> String.valueOf((char) c)).toList();
                case SafeString s -> s.toString().chars().mapToObj(c -> String.valueOf((char) c)).toList();
                case Map<?, ?> map -> map.keySet();
                case Object[] array -> Arrays.asList(array);
                case Iterable<?> iterable -> iterable;
                default -> throw RenderState.raise("'" + PyTypes.name(var) + "' object is not iterable");
            };
            StringBuilder out = new StringBuilder();
            String sep = PyValues.str(separator);
            boolean first = true;
            for (Object item : items) {
                if (!first) {
                    out.append(sep);
                }
                first = false;
                Object value = attribute == null ? item : interpreter.resolveProperty(item, attribute.toString());
                out.append(PyValues.str(value));
            }
            return out.toString();
        }
    }
}
