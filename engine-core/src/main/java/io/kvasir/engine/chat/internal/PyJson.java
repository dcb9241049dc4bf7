package io.kvasir.engine.chat.internal;

import com.hubspot.jinjava.objects.SafeString;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Python's {@code json.dumps} as transformers' {@code tojson} calls it: {@code ensure_ascii=False} by default, the
 * separators Python picks ({@code ", "} and {@code ": "}, or {@code ","} and {@code ": "} when indenting), optional
 * indent and sorted keys.
 */
final class PyJson {
    private final boolean ensureAscii;
    private final String indent;
    private final String itemSeparator;
    private final String keySeparator;
    private final boolean sortKeys;

    PyJson(boolean ensureAscii, String indent, String itemSeparator, String keySeparator, boolean sortKeys) {
        this.ensureAscii = ensureAscii;
        this.indent = indent;
        this.itemSeparator = itemSeparator != null ? itemSeparator : indent == null ? ", " : ",";
        this.keySeparator = keySeparator != null ? keySeparator : ": ";
        this.sortKeys = sortKeys;
    }

    String dumps(Object value) {
        StringBuilder out = new StringBuilder();
        write(out, value, 0);
        return out.toString();
    }

    private void write(StringBuilder out, Object value, int depth) {
        switch (value) {
            case null -> out.append("null");
            case Boolean b -> out.append(b);
            case String s -> writeString(out, s);
            case SafeString s -> writeString(out, s.toString());
            case Double d -> writeFloat(out, d);
            case Float f -> writeFloat(out, f.doubleValue());
            case Number n -> out.append(n);
            case Map<?, ?> map -> writeMap(out, map, depth);
            case Object[] items -> writeList(out, Arrays.asList(items), depth);
            case Iterable<?> items -> writeList(out, items, depth);
            default -> throw RenderState.raise("Object of type " + PyTypes.name(value) + " is not JSON serializable");
        }
    }

    private void writeMap(StringBuilder out, Map<?, ?> map, int depth) {
        if (map.isEmpty()) {
            out.append("{}");
            return;
        }
        List<Map.Entry<?, ?>> entries = new ArrayList<>(map.entrySet());
        if (sortKeys) {
            entries.sort((a, b) -> keyText(a.getKey()).compareTo(keyText(b.getKey())));
        }
        out.append('{');
        for (int i = 0; i < entries.size(); i++) {
            if (i > 0) {
                out.append(itemSeparator);
            }
            newline(out, depth + 1);
            writeString(out, keyText(entries.get(i).getKey()));
            out.append(keySeparator);
            write(out, entries.get(i).getValue(), depth + 1);
        }
        newline(out, depth);
        out.append('}');
    }

    private void writeList(StringBuilder out, Iterable<?> items, int depth) {
        Iterator<?> it = items.iterator();
        if (!it.hasNext()) {
            out.append("[]");
            return;
        }
        out.append('[');
        boolean first = true;
        while (it.hasNext()) {
            if (!first) {
                out.append(itemSeparator);
            }
            first = false;
            newline(out, depth + 1);
            write(out, it.next(), depth + 1);
        }
        newline(out, depth);
        out.append(']');
    }

    private void newline(StringBuilder out, int depth) {
        if (indent != null) {
            out.append('\n');
            out.append(indent.repeat(depth));
        }
    }

    private static String keyText(Object key) {
        return switch (key) {
            case null -> "null";
            case String s -> s;
            case Boolean b -> b.toString();
            case Double d -> PyValues.floatRepr(d);
            case Number n -> n.toString();
            default -> key.toString();
        };
    }

    private static void writeFloat(StringBuilder out, double d) {
        if (Double.isNaN(d)) {
            out.append("NaN");
        } else if (Double.isInfinite(d)) {
            out.append(d > 0 ? "Infinity" : "-Infinity");
        } else {
            out.append(PyValues.floatRepr(d));
        }
    }

    private void writeString(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || (ensureAscii && c > 0x7e)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
