package io.kvasir.engine.chat.internal;

import java.util.List;
import java.util.Map;

/**
 * The common subset of Python's {@code str.format}: {@code {}}, {@code {0}}, {@code {name}},
 * {@code {name.attr}}-free fields with optional {@code !s}/{@code !r} conversion, and {@code {{ }}} escapes.
 * Format specs ({@code {:>10}}) are rejected rather than guessed.
 */
final class PyFormat {

    private PyFormat() {
    }

    static String format(String pattern, List<Object> args, Map<String, Object> kwargs) {
        StringBuilder out = new StringBuilder(pattern.length());
        int nextAuto = 0;
        int i = 0;
        while (i < pattern.length()) {
            char c = pattern.charAt(i);
            if (c == '}') {
                if (i + 1 < pattern.length() && pattern.charAt(i + 1) == '}') {
                    out.append('}');
                    i += 2;
                    continue;
                }
                throw new JinjaRuntimeError("Single '}' encountered in format string");
            }
            if (c != '{') {
                out.append(c);
                i++;
                continue;
            }
            if (i + 1 < pattern.length() && pattern.charAt(i + 1) == '{') {
                out.append('{');
                i += 2;
                continue;
            }
            int close = pattern.indexOf('}', i);
            if (close < 0) {
                throw new JinjaRuntimeError("Single '{' encountered in format string");
            }
            String field = pattern.substring(i + 1, close);
            i = close + 1;
            char conversion = 's';
            int bang = field.indexOf('!');
            if (bang >= 0) {
                if (bang + 2 != field.length()) {
                    throw new JinjaRuntimeError("unsupported format field '" + field + "'");
                }
                conversion = field.charAt(bang + 1);
                field = field.substring(0, bang);
            }
            if (field.indexOf(':') >= 0 || field.indexOf('.') >= 0 || field.indexOf('[') >= 0) {
                throw new JinjaRuntimeError("unsupported format field '" + field + "'");
            }
            Object value;
            if (field.isEmpty()) {
                value = positional(args, nextAuto++);
            } else if (field.chars().allMatch(Character::isDigit)) {
                value = positional(args, Integer.parseInt(field));
            } else if (kwargs.containsKey(field)) {
                value = kwargs.get(field);
            } else {
                throw new JinjaRuntimeError("'" + field + "'");
            }
            out.append(conversion == 'r' ? PyValues.repr(value) : PyValues.str(value));
        }
        return out.toString();
    }

    private static Object positional(List<Object> args, int index) {
        if (index >= args.size()) {
            throw new JinjaRuntimeError("Replacement index " + index + " out of range for positional args tuple");
        }
        return args.get(index);
    }
}
