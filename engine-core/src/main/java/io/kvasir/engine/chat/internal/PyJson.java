package io.kvasir.engine.chat.internal;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Python's {@code json.dumps} as Hugging Face's chat-template {@code tojson} calls it
 * ({@code ensure_ascii=False} by default, optional {@code indent}, {@code separators}, {@code sort_keys}).
 *
 * <p>Without an indent the separators are {@code ", "} and {@code ": "}; with one, {@code ","} and
 * {@code ": "}, and each nesting level starts a new line indented once more.
 */
final class PyJson {

    private static final int MAX_DEPTH = 512;

    private final String indent;
    private final String itemSeparator;
    private final String keySeparator;
    private final boolean sortKeys;
    private final boolean ensureAscii;

    /**
     * @param indent null for single-line output, otherwise the string repeated per nesting level
     * @param itemSeparator null for Python's default
     * @param keySeparator null for Python's default
     */
    public PyJson(String indent, String itemSeparator, String keySeparator, boolean sortKeys, boolean ensureAscii) {
        this.indent = indent;
        this.itemSeparator = itemSeparator != null ? itemSeparator : (indent != null ? "," : ", ");
        this.keySeparator = keySeparator != null ? keySeparator : ": ";
        this.sortKeys = sortKeys;
        this.ensureAscii = ensureAscii;
    }

    /** The default {@code json.dumps(value, ensure_ascii=False)}. */
    public static String dumps(Object value) {
        return new PyJson(null, null, null, false, false).encode(value);
    }

    /** Encodes one value. */
    public String encode(Object value) {
        StringBuilder out = new StringBuilder();
        write(out, value, 0);
        return out.toString();
    }

    private void write(StringBuilder out, Object value, int depth) {
        if (depth > MAX_DEPTH) {
            throw new JinjaRuntimeError("maximum recursion depth exceeded while encoding a JSON object");
        }
        if (value == null) {
            throw new JinjaRuntimeError("Object of type Undefined is not JSON serializable");
        }
        if (value == PyNone.INSTANCE) {
            out.append("null");
        } else if (value instanceof Boolean b) {
            out.append(b ? "true" : "false");
        } else if (PyValues.isString(value)) {
            writeString(out, value.toString());
        } else if (value instanceof Number n) {
            out.append(PyValues.isIntegral(n) ? n.toString() : jsonFloat(n.doubleValue()));
        } else if (value instanceof Map<?, ?> map) {
            writeObject(out, map, depth);
        } else if (PyValues.isList(value)) {
            writeArray(out, PyValues.toList(value), depth);
        } else {
            throw new JinjaRuntimeError("Object of type " + PyValues.typeName(value) + " is not JSON serializable");
        }
    }

    private static String jsonFloat(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        return PyValues.formatFloat(d);
    }

    private void writeArray(StringBuilder out, List<Object> items, int depth) {
        if (items.isEmpty()) {
            out.append("[]");
            return;
        }
        out.append('[');
        for (int i = 0; i < items.size(); i++) {
            if (i > 0) {
                out.append(itemSeparator);
            }
            newline(out, depth + 1);
            write(out, items.get(i), depth + 1);
        }
        newline(out, depth);
        out.append(']');
    }

    private void writeObject(StringBuilder out, Map<?, ?> map, int depth) {
        if (map.isEmpty()) {
            out.append("{}");
            return;
        }
        List<Map.Entry<String, Object>> entries = new ArrayList<>(map.size());
        for (Map.Entry<?, ?> e : map.entrySet()) {
            entries.add(new AbstractMap.SimpleImmutableEntry<>(key(e.getKey()), e.getValue()));
        }
        if (sortKeys) {
            entries.sort(Map.Entry.comparingByKey());
        }
        out.append('{');
        for (int i = 0; i < entries.size(); i++) {
            if (i > 0) {
                out.append(itemSeparator);
            }
            newline(out, depth + 1);
            writeString(out, entries.get(i).getKey());
            out.append(keySeparator);
            write(out, entries.get(i).getValue(), depth + 1);
        }
        newline(out, depth);
        out.append('}');
    }

    private static String key(Object key) {
        if (PyValues.isString(key)) {
            return key.toString();
        }
        if (key == PyNone.INSTANCE) {
            return "null";
        }
        if (key instanceof Boolean b) {
            return b ? "true" : "false";
        }
        if (key instanceof Number n) {
            return PyValues.isIntegral(n) ? n.toString() : jsonFloat(n.doubleValue());
        }
        throw new JinjaRuntimeError("keys must be str, int, float, bool or None, not " + PyValues.typeName(key));
    }

    private void newline(StringBuilder out, int depth) {
        if (indent != null) {
            out.append('\n');
            out.append(indent.repeat(depth));
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
                    // Java strings are UTF-16 already, so ensure_ascii's surrogate pairs fall out per char.
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
