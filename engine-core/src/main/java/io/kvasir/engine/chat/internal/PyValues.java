package io.kvasir.engine.chat.internal;

import com.hubspot.jinjava.objects.SafeString;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;

/**
 * Python's {@code str()} and {@code repr()} of the values templates handle, so printed booleans, lists and dicts
 * read as they do from Jinja2 ({@code True}, {@code ['a', 'b']}, {@code {'k': 1}}).
 *
 * <p>One deliberate difference: {@code None} prints as the empty string, because Jinjava represents an undefined
 * variable and {@code none} the same way and printing an undefined variable must give the empty string.
 */
public final class PyValues {
    private PyValues() {}

    /** Python's {@code str(value)}. */
    public static String str(Object value) {
        return switch (value) {
            case null -> "";
            case String s -> s;
            case SafeString s -> s.toString();
            default -> repr(value);
        };
    }

    /** Python's {@code repr(value)}. */
    public static String repr(Object value) {
        StringBuilder out = new StringBuilder();
        appendRepr(out, value);
        return out.toString();
    }

    private static void appendRepr(StringBuilder out, Object value) {
        switch (value) {
            case null -> out.append("None");
            case Boolean b -> out.append(b ? "True" : "False");
            case String s -> appendQuoted(out, s);
            case Character c -> appendQuoted(out, c.toString());
            case SafeString s -> appendQuoted(out, s.toString());
            case Double d -> out.append(floatRepr(d));
            case Float f -> out.append(floatRepr(f.doubleValue()));
            case Map<?, ?> map -> {
                out.append('{');
                Iterator<? extends Map.Entry<?, ?>> entries = map.entrySet().iterator();
                while (entries.hasNext()) {
                    Map.Entry<?, ?> entry = entries.next();
                    appendRepr(out, entry.getKey());
                    out.append(": ");
                    appendRepr(out, entry.getValue());
                    if (entries.hasNext()) {
                        out.append(", ");
                    }
                }
                out.append('}');
            }
            case Map.Entry<?, ?> pair -> {
                out.append('(');
                appendRepr(out, pair.getKey());
                out.append(", ");
                appendRepr(out, pair.getValue());
                out.append(')');
            }
            case Object[] items -> appendRepr(out, Arrays.asList(items));
            case Iterable<?> items -> {
                out.append('[');
                Iterator<?> it = items.iterator();
                while (it.hasNext()) {
                    appendRepr(out, it.next());
                    if (it.hasNext()) {
                        out.append(", ");
                    }
                }
                out.append(']');
            }
            default -> out.append(value);
        }
    }

    /** Python's {@code repr(float)}: shortest round-trip digits, exponent form outside 1e-4 to 1e16. */
    static String floatRepr(double d) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (d == 0) {
            return 1 / d < 0 ? "-0.0" : "0.0";
        }
        BigDecimal exact = new BigDecimal(Double.toString(d)).stripTrailingZeros();
        int exponent = exact.precision() - exact.scale() - 1;
        if (exponent >= -4 && exponent < 16) {
            String plain = exact.toPlainString();
            return plain.indexOf('.') >= 0 ? plain : plain + ".0";
        }
        String digits = exact.unscaledValue().abs().toString();
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return (d < 0 ? "-" : "") + mantissa + "e" + (exponent < 0 ? "-" : "+")
                + (Math.abs(exponent) < 10 ? "0" : "") + Math.abs(exponent);
    }

    private static void appendQuoted(StringBuilder out, String s) {
        char quote = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        out.append(quote);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c == quote) {
                        out.append('\\').append(c);
                    } else if (c < 0x20 || c == 0x7f) {
                        out.append(String.format("\\x%02x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append(quote);
    }
}
