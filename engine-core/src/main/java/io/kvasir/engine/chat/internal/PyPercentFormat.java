package io.kvasir.engine.chat.internal;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Python's {@code 'format' % values} for the conversions templates use: {@code %s}, {@code %r}, {@code %d},
 * {@code %i}, {@code %f} (with an optional precision such as {@code %.2f}) and {@code %%}.
 */
final class PyPercentFormat {
    private PyPercentFormat() {}

    static String format(String template, Object values) {
        List<?> args = switch (values) {
            case List<?> list -> list;
            case Object[] array -> Arrays.asList(array);
            default -> Collections.singletonList(values);
        };
        StringBuilder out = new StringBuilder();
        int next = 0;
        for (int i = 0; i < template.length(); i++) {
            char c = template.charAt(i);
            if (c != '%') {
                out.append(c);
                continue;
            }
            int precision = -1;
            int j = i + 1;
            if (j < template.length() && template.charAt(j) == '.') {
                int digitsStart = ++j;
                while (j < template.length() && Character.isDigit(template.charAt(j))) {
                    j++;
                }
                precision = j > digitsStart ? Integer.parseInt(template.substring(digitsStart, j)) : 0;
            }
            if (j >= template.length()) {
                throw RenderState.raise("incomplete format");
            }
            char conversion = template.charAt(j);
            if (conversion == '%') {
                out.append('%');
                i = j;
                continue;
            }
            if (next >= args.size()) {
                throw RenderState.raise("not enough arguments for format string");
            }
            Object arg = args.get(next++);
            switch (conversion) {
                case 's' -> out.append(arg == null ? "None" : PyValues.str(arg));
                case 'r' -> out.append(PyValues.repr(arg));
                case 'd', 'i' -> out.append(integer(arg));
                case 'f' -> out.append(String.format(Locale.ROOT, "%." + (precision < 0 ? 6 : precision) + "f", number(arg)));
                default -> throw RenderState.raise("unsupported format character '" + conversion + "'");
            }
            i = j;
        }
        if (next < args.size()) {
            throw RenderState.raise("not all arguments converted during string formatting");
        }
        return out.toString();
    }

    private static long integer(Object arg) {
        return (long) number(arg);
    }

    private static double number(Object arg) {
        if (arg instanceof Number n) {
            return n.doubleValue();
        }
        throw RenderState.raise("%d format: a real number is required, not " + PyTypes.name(arg));
    }
}
