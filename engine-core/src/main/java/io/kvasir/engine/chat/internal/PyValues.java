package io.kvasir.engine.chat.internal;

import com.hubspot.jinjava.objects.SafeString;

import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Python semantics for the values a template sees: truthiness, {@code str()}, {@code repr()}, {@code ==},
 * type names and iteration.
 *
 * <p>Value model: {@code null} is Jinja's undefined, {@link PyNone} is {@code None}; strings are
 * {@link CharSequence} (or Jinjava's {@link SafeString}); integers are {@code Long} (any integral
 * {@link Number}), floats {@code Double}; lists are {@link List} or arrays; dicts are {@link Map};
 * a {@link Map.Entry} is a 2-tuple.
 */
final class PyValues {

    private PyValues() {
    }

    /** Python's {@code bool(value)}; undefined is false. */
    public static boolean truthy(Object value) {
        if (value == null || value == PyNone.INSTANCE) {
            return false;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        if (value instanceof Number n) {
            return isIntegral(n) ? toBigInteger(n).signum() != 0 : n.doubleValue() != 0.0;
        }
        if (isString(value)) {
            return !value.toString().isEmpty();
        }
        if (value instanceof Collection<?> c) {
            return !c.isEmpty();
        }
        if (value instanceof Map<?, ?> m) {
            return !m.isEmpty();
        }
        if (value.getClass().isArray()) {
            return Array.getLength(value) != 0;
        }
        return true;
    }

    /** Whether Python would see a {@code str}. */
    public static boolean isString(Object value) {
        return value instanceof CharSequence || value instanceof SafeString;
    }

    /** Whether the number is a Python {@code int} (not a float). */
    public static boolean isIntegral(Number n) {
        return n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte
                || n instanceof BigInteger;
    }

    /** Whether Python would see an {@code int} (excluding {@code bool}). */
    public static boolean isInt(Object value) {
        return value instanceof Number n && isIntegral(n);
    }

    /** Whether Python would see a {@code float}. */
    public static boolean isFloat(Object value) {
        return value instanceof Number n && !isIntegral(n);
    }

    /** Whether Python would see a list or tuple. */
    public static boolean isList(Object value) {
        return value instanceof List<?> || value instanceof Set<?> || value instanceof Map.Entry<?, ?>
                || (value != null && value.getClass().isArray());
    }

    /** Python's {@code str(value)}; undefined prints as the empty string. */
    public static String str(Object value) {
        if (value == null) {
            return "";
        }
        if (isString(value)) {
            return value.toString();
        }
        StringBuilder out = new StringBuilder();
        appendRepr(out, value, 0);
        return out.toString();
    }

    /** Python's {@code repr(value)}. */
    public static String repr(Object value) {
        StringBuilder out = new StringBuilder();
        appendRepr(out, value, 0);
        return out.toString();
    }

    private static final int MAX_REPR_DEPTH = 64;

    private static void appendRepr(StringBuilder out, Object value, int depth) {
        if (depth > MAX_REPR_DEPTH) {
            throw new JinjaRuntimeError("maximum recursion depth exceeded while getting the repr of an object");
        }
        if (value == null) {
            out.append("Undefined");
        } else if (value == PyNone.INSTANCE) {
            out.append("None");
        } else if (value instanceof Boolean b) {
            out.append(b ? "True" : "False");
        } else if (isString(value)) {
            appendQuoted(out, value.toString());
        } else if (value instanceof Number n) {
            out.append(isIntegral(n) ? n.toString() : formatFloat(n));
        } else if (value instanceof Map<?, ?> map) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!first) {
                    out.append(", ");
                }
                first = false;
                appendRepr(out, e.getKey(), depth + 1);
                out.append(": ");
                appendRepr(out, e.getValue(), depth + 1);
            }
            out.append('}');
        } else if (value instanceof PyTuple tuple) {
            out.append('(');
            appendItems(out, tuple, depth);
            out.append(tuple.size() == 1 ? ",)" : ")");
        } else if (value instanceof Map.Entry<?, ?> e) {
            out.append('(');
            appendRepr(out, e.getKey(), depth + 1);
            out.append(", ");
            appendRepr(out, e.getValue(), depth + 1);
            out.append(')');
        } else if (value instanceof Set<?> set) {
            if (set.isEmpty()) {
                out.append("set()");
                return;
            }
            out.append('{');
            appendItems(out, set, depth);
            out.append('}');
        } else if (value instanceof Collection<?> c) {
            out.append('[');
            appendItems(out, c, depth);
            out.append(']');
        } else if (value.getClass().isArray()) {
            out.append('[');
            appendItems(out, toList(value), depth);
            out.append(']');
        } else {
            out.append(value);
        }
    }

    private static void appendItems(StringBuilder out, Iterable<?> items, int depth) {
        boolean first = true;
        for (Object item : items) {
            if (!first) {
                out.append(", ");
            }
            first = false;
            appendRepr(out, item, depth + 1);
        }
    }

    /** Python's quoting for {@code repr(str)}: single quotes unless only double quotes avoid escaping. */
    static void appendQuoted(StringBuilder out, String s) {
        char quote = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        out.append(quote);
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (cp == quote || cp == '\\') {
                out.append('\\').appendCodePoint(cp);
            } else if (cp == '\n') {
                out.append("\\n");
            } else if (cp == '\r') {
                out.append("\\r");
            } else if (cp == '\t') {
                out.append("\\t");
            } else if (isPrintable(cp)) {
                out.appendCodePoint(cp);
            } else if (cp < 0x100) {
                out.append(String.format("\\x%02x", cp));
            } else if (cp < 0x10000) {
                out.append(String.format("\\u%04x", cp));
            } else {
                out.append(String.format("\\U%08x", cp));
            }
        }
        out.append(quote);
    }

    /** Python's {@code str.isprintable()} for one code point. */
    private static boolean isPrintable(int cp) {
        if (cp == ' ') {
            return true;
        }
        return switch (Character.getType(cp)) {
            case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE,
                 Character.UNASSIGNED, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                 Character.SPACE_SEPARATOR -> false;
            default -> true;
        };
    }

    /** Python's {@code repr(float)}: shortest round-trip digits, scientific outside [1e-4, 1e16). */
    public static String formatFloat(Number n) {
        double d = n.doubleValue();
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (d == 0.0) {
            return (1.0 / d) < 0 ? "-0.0" : "0.0";
        }
        // Java's Double.toString gives the shortest digits that round-trip, as Python's repr does.
        BigDecimal exact = new BigDecimal(Double.toString(Math.abs(d))).stripTrailingZeros();
        String digits = exact.unscaledValue().toString();
        int exponent = digits.length() - exact.scale() - 1;
        StringBuilder out = new StringBuilder();
        if (d < 0) {
            out.append('-');
        }
        if (exponent < -4 || exponent >= 16) {
            out.append(digits.charAt(0));
            if (digits.length() > 1) {
                out.append('.').append(digits, 1, digits.length());
            }
            out.append('e').append(exponent < 0 ? '-' : '+');
            int absExp = Math.abs(exponent);
            if (absExp < 10) {
                out.append('0');
            }
            out.append(absExp);
        } else if (exponent < 0) {
            out.append("0.");
            out.append("0".repeat(-exponent - 1));
            out.append(digits);
        } else if (digits.length() <= exponent + 1) {
            out.append(digits);
            out.append("0".repeat(exponent + 1 - digits.length()));
            out.append(".0");
        } else {
            out.append(digits, 0, exponent + 1).append('.').append(digits, exponent + 1, digits.length());
        }
        return out.toString();
    }

    /** Python's {@code a == b}; undefined equals only undefined. */
    public static boolean eq(Object a, Object b) {
        if (a == b) {
            return true;
        }
        if (a == null || b == null) {
            return false;
        }
        if (isNumeric(a) && isNumeric(b)) {
            return compareNumbers(asNumber(a), asNumber(b)) == 0;
        }
        if (isString(a) && isString(b)) {
            return a.toString().equals(b.toString());
        }
        if (isList(a) && isList(b)) {
            List<Object> la = toList(a);
            List<Object> lb = toList(b);
            if (la.size() != lb.size()) {
                return false;
            }
            for (int i = 0; i < la.size(); i++) {
                if (!eq(la.get(i), lb.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof Map<?, ?> ma && b instanceof Map<?, ?> mb) {
            if (ma.size() != mb.size()) {
                return false;
            }
            for (Map.Entry<?, ?> e : ma.entrySet()) {
                if (!mb.containsKey(e.getKey()) || !eq(e.getValue(), mb.get(e.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }

    /** Whether Python treats the value as a number ({@code bool} included). */
    public static boolean isNumeric(Object value) {
        return value instanceof Number || value instanceof Boolean;
    }

    /** The number behind a numeric value ({@code True} is 1). */
    public static Number asNumber(Object value) {
        if (value instanceof Boolean b) {
            return b ? 1L : 0L;
        }
        return (Number) value;
    }

    static int compareNumbers(Number a, Number b) {
        if (isIntegral(a) && isIntegral(b)) {
            return toBigInteger(a).compareTo(toBigInteger(b));
        }
        double x = a.doubleValue();
        double y = b.doubleValue();
        // NaN compares unequal to everything, as in Python.
        return x == y ? 0 : (x < y ? -1 : 1);
    }

    static BigInteger toBigInteger(Number n) {
        return n instanceof BigInteger bi ? bi : BigInteger.valueOf(n.longValue());
    }

    /** Narrows an integer result back to {@code Long} when it fits. */
    static Number normalizeInt(BigInteger value) {
        return value.bitLength() < 64 ? (Number) value.longValue() : value;
    }

    /**
     * Python's ordering for {@code <}, {@code sorted}, {@code min} and {@code max}: numbers by value,
     * strings by code point, lists element by element.
     *
     * @throws JinjaRuntimeError for values Python cannot order
     */
    public static int compare(Object a, Object b) {
        if (isNumeric(a) && isNumeric(b)) {
            return compareNumbers(asNumber(a), asNumber(b));
        }
        if (isString(a) && isString(b)) {
            return compareCodePoints(a.toString(), b.toString());
        }
        if (isList(a) && isList(b)) {
            List<Object> la = toList(a);
            List<Object> lb = toList(b);
            for (int i = 0; i < Math.min(la.size(), lb.size()); i++) {
                if (!eq(la.get(i), lb.get(i))) {
                    return compare(la.get(i), lb.get(i));
                }
            }
            return Integer.compare(la.size(), lb.size());
        }
        throw new JinjaRuntimeError("'<' not supported between instances of '" + typeName(a) + "' and '"
                + typeName(b) + "'");
    }

    private static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int x = a.codePointAt(i);
            int y = b.codePointAt(j);
            if (x != y) {
                return Integer.compare(x, y);
            }
            i += Character.charCount(x);
            j += Character.charCount(y);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    /** Python's type name, as error messages show it. */
    public static String typeName(Object value) {
        if (value == null) {
            return "Undefined";
        }
        if (value == PyNone.INSTANCE) {
            return "NoneType";
        }
        if (value instanceof Boolean) {
            return "bool";
        }
        if (isString(value)) {
            return "str";
        }
        if (value instanceof Number n) {
            return isIntegral(n) ? "int" : "float";
        }
        if (value instanceof Map<?, ?>) {
            return "dict";
        }
        if (value instanceof Map.Entry<?, ?> || value instanceof PyTuple) {
            return "tuple";
        }
        if (value instanceof Set<?>) {
            return "set";
        }
        if (value instanceof PyGenerator) {
            return "generator";
        }
        if (isList(value)) {
            return "list";
        }
        return value.getClass().getSimpleName();
    }

    /**
     * The items Python's {@code for} would visit: list items, dict keys, string characters; undefined
     * iterates as empty.
     */
    public static List<Object> toList(Object value) {
        if (value == null) {
            return List.of();
        }
        if (value instanceof List<?> list) {
            @SuppressWarnings("unchecked")
            List<Object> items = (List<Object>) list;
            return items;
        }
        List<Object> items = new ArrayList<>();
        if (value instanceof Map<?, ?> map) {
            items.addAll(map.keySet());
        } else if (value instanceof Map.Entry<?, ?> e) {
            items.add(e.getKey());
            items.add(e.getValue());
        } else if (isString(value)) {
            value.toString().codePoints().forEach(cp -> items.add(new String(Character.toChars(cp))));
        } else if (value instanceof Iterable<?> iterable) {
            for (Object item : iterable) {
                items.add(item);
            }
        } else if (value instanceof Iterator<?> iterator) {
            iterator.forEachRemaining(items::add);
        } else if (value.getClass().isArray()) {
            int length = Array.getLength(value);
            for (int i = 0; i < length; i++) {
                items.add(Array.get(value, i));
            }
        } else {
            throw new JinjaRuntimeError("'" + typeName(value) + "' object is not iterable");
        }
        return items;
    }

    /** Python's {@code len(value)}; strings count code points. */
    public static long len(Object value) {
        if (isString(value)) {
            String s = value.toString();
            return s.codePointCount(0, s.length());
        }
        if (value instanceof Collection<?> c) {
            return c.size();
        }
        if (value instanceof Map<?, ?> m) {
            return m.size();
        }
        if (value instanceof Map.Entry<?, ?>) {
            return 2;
        }
        if (value != null && value.getClass().isArray()) {
            return Array.getLength(value);
        }
        if (value == null) {
            return 0;
        }
        throw new JinjaRuntimeError("object of type '" + typeName(value) + "' has no len()");
    }
}
