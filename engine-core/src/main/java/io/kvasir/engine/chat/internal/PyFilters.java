package io.kvasir.engine.chat.internal;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.filter.Filter;
import com.hubspot.jinjava.objects.SafeString;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The filters chat templates use, with Jinja's (and Hugging Face's) semantics where Jinjava's differ:
 * Python's {@code json.dumps} for {@code tojson}, Python {@code str()} for {@code string} and {@code join},
 * Jinja 3's {@code indent(width, first, blank)} and {@code items}, Python whitespace for {@code trim}.
 */
final class PyFilters {

    private PyFilters() {
    }

    /** All filters this class defines, to register over Jinjava's. */
    static List<Filter> all() {
        return List.of(
                new Named("tojson", PyFilters::tojson),
                new Named("trim", (v, a) -> PyStrings.strip(PyValues.str(v), optString(a, 0, "chars"), true, true)),
                new Named("indent", PyFilters::indent),
                new Named("items", PyFilters::items),
                new Named("string", (v, a) -> PyValues.str(v)),
                new Named("join", PyFilters::join),
                new Named("default", PyFilters::defaultValue),
                new Named("d", PyFilters::defaultValue),
                new Named("list", (v, a) -> new ArrayList<>(PyValues.toList(v))),
                new Named("length", (v, a) -> PyValues.len(v)),
                new Named("count", (v, a) -> PyValues.len(v)),
                new Named("upper", (v, a) -> PyValues.str(v).toUpperCase(Locale.ROOT)),
                new Named("lower", (v, a) -> PyValues.str(v).toLowerCase(Locale.ROOT)),
                new Named("capitalize", (v, a) -> PyStrings.capitalize(PyValues.str(v))),
                new Named("title", (v, a) -> title(PyValues.str(v))),
                new Named("replace", PyFilters::replace),
                new Named("first", PyFilters::first),
                new Named("last", PyFilters::last),
                new Named("reverse", PyFilters::reverse),
                new Named("min", (v, a) -> extreme(v, a, -1)),
                new Named("max", (v, a) -> extreme(v, a, 1)),
                new Named("sort", PyFilters::sort),
                new Named("unique", PyFilters::unique),
                new Named("batch", PyFilters::batch),
                new Named("sum", PyFilters::sum),
                new Named("int", PyFilters::toInt),
                new Named("float", PyFilters::toFloat),
                new Named("truncate", PyFilters::truncate),
                new Named("abs", PyFilters::abs),
                new Named("escape", PyFilters::escape),
                new Named("e", PyFilters::escape),
                new Named("forceescape", (v, a) -> new SafeString(PyOperators.escapeHtml(PyValues.str(v)))),
                new Named("round", PyFilters::round));
    }

    /**
     * Wraps a Jinjava filter whose Jinja counterpart returns a generator; {@code select}/{@code reject}
     * without a test keep or drop truthy items, as in Jinja.
     */
    static Filter generating(Filter original) {
        boolean rejecting = original.getName().equals("reject");
        boolean bareTest = rejecting || original.getName().equals("select");
        return new Filter() {
            @Override
            public String getName() {
                return original.getName();
            }

            @Override
            public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
                return filter(var, interpreter, args, Map.of());
            }

            @Override
            public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
                if (bareTest && (args == null || args.length == 0)) {
                    List<Object> kept = new ArrayList<>();
                    for (Object item : PyValues.toList(var)) {
                        if (PyValues.truthy(item) != rejecting) {
                            kept.add(item);
                        }
                    }
                    return new PyGenerator(kept);
                }
                return new PyGenerator(new ArrayList<>(PyValues.toList(original.filter(var, interpreter, args, kwargs))));
            }
        };
    }

    /** Jinja filters that return generators. */
    static final List<String> GENERATING = List.of("map", "select", "reject", "selectattr", "rejectattr");

    /** A filter body: the filtered value and its arguments. */
    @FunctionalInterface
    interface Body {
        Object apply(Object value, Arguments arguments);
    }

    /** Positional and keyword arguments of one filter call. */
    record Arguments(Object[] positional, Map<String, Object> named) {
        Object get(int index, String name, Object fallback) {
            if (index < positional.length) {
                return positional[index];
            }
            return named.getOrDefault(name, fallback);
        }
    }

    /** Adapts a {@link Body} to Jinjava's filter interface under a name. */
    private record Named(String name, Body body) implements Filter {
        @Override
        public String getName() {
            return name;
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            return body.apply(var, new Arguments(args, Map.of()));
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
            return body.apply(var, new Arguments(args == null ? new Object[0] : args, kwargs == null ? Map.of() : kwargs));
        }
    }

    private static String optString(Arguments a, int index, String name) {
        Object value = a.get(index, name, PyNone.INSTANCE);
        return value == PyNone.INSTANCE || value == null ? null : PyValues.str(value);
    }

    /** Hugging Face's {@code tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False)}. */
    private static Object tojson(Object value, Arguments a) {
        boolean ensureAscii = PyValues.truthy(a.get(0, "ensure_ascii", false));
        Object indent = a.get(1, "indent", PyNone.INSTANCE);
        Object separators = a.get(2, "separators", PyNone.INSTANCE);
        boolean sortKeys = PyValues.truthy(a.get(3, "sort_keys", false));
        String indentText = null;
        if (indent != null && indent != PyNone.INSTANCE) {
            indentText = PyValues.isString(indent) ? indent.toString()
                    : " ".repeat((int) Math.max(0, PyValues.asNumber(indent).longValue()));
        }
        String itemSeparator = null;
        String keySeparator = null;
        if (separators != null && separators != PyNone.INSTANCE) {
            List<Object> pair = PyValues.toList(separators);
            if (pair.size() != 2) {
                throw new JinjaRuntimeError("separators must be an (item_separator, key_separator) pair");
            }
            itemSeparator = PyValues.str(pair.get(0));
            keySeparator = PyValues.str(pair.get(1));
        }
        return new PyJson(indentText, itemSeparator, keySeparator, sortKeys, ensureAscii).encode(value);
    }

    /** Jinja 3's {@code indent(s, width=4, first=False, blank=False)}. */
    private static Object indent(Object value, Arguments a) {
        Object width = a.get(0, "width", 4L);
        String indentation = PyValues.isString(width) ? width.toString()
                : " ".repeat((int) Math.max(0, PyValues.asNumber(width).longValue()));
        boolean first = PyValues.truthy(a.get(1, "first", false));
        boolean blank = PyValues.truthy(a.get(2, "blank", false));
        // Jinja appends a newline before splitting so a trailing line break survives splitlines().
        List<Object> lines = splitLines(PyValues.str(value) + "\n");
        StringBuilder out = new StringBuilder();
        if (blank) {
            for (int i = 0; i < lines.size(); i++) {
                if (i > 0) {
                    out.append('\n').append(indentation);
                }
                out.append(lines.get(i));
            }
        } else if (!lines.isEmpty()) {
            out.append(lines.getFirst());
            for (int i = 1; i < lines.size(); i++) {
                String line = lines.get(i).toString();
                out.append('\n');
                if (!line.isEmpty()) {
                    out.append(indentation);
                }
                out.append(line);
            }
        }
        return first ? indentation + out : out.toString();
    }

    private static List<Object> splitLines(String s) {
        @SuppressWarnings("unchecked")
        List<Object> lines = (List<Object>) PyStrings.call(s, "splitlines", List.of(), Map.of());
        return lines;
    }

    /** Jinja 3.1's {@code items}: a mapping's (key, value) pairs; undefined gives none. */
    private static Object items(Object value, Arguments a) {
        if (value == null) {
            return new ArrayList<>();
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw new JinjaRuntimeError("Can only get item pairs from a mapping.");
        }
        List<Object> pairs = new ArrayList<>(map.size());
        for (Map.Entry<?, ?> e : map.entrySet()) {
            pairs.add(new AbstractMap.SimpleImmutableEntry<>(e.getKey(), e.getValue()));
        }
        return pairs;
    }

    /** {@code join(value, d='', attribute=None)}, each item through {@code str()}. */
    private static Object join(Object value, Arguments a) {
        String separator = PyValues.str(a.get(0, "d", ""));
        Object attribute = a.get(1, "attribute", PyNone.INSTANCE);
        JinjavaInterpreter interpreter = JinjavaInterpreter.getCurrent();
        StringBuilder out = new StringBuilder();
        boolean firstItem = true;
        for (Object item : PyValues.toList(value)) {
            if (!firstItem) {
                out.append(separator);
            }
            firstItem = false;
            Object shown = item;
            if (attribute != null && attribute != PyNone.INSTANCE) {
                shown = interpreter.resolveProperty(item, PyValues.str(attribute));
            }
            out.append(PyValues.str(shown));
        }
        return out.toString();
    }

    /** {@code default(value, default_value='', boolean=False)}: replaces undefined (or falsy with boolean). */
    private static Object defaultValue(Object value, Arguments a) {
        Object fallback = a.get(0, "default_value", "");
        boolean whenFalsy = PyValues.truthy(a.get(1, "boolean", false));
        if (value == null || (whenFalsy && !PyValues.truthy(value))) {
            return fallback;
        }
        return value;
    }

    private static Object replace(Object value, Arguments a) {
        String old = PyValues.str(a.get(0, "old", ""));
        String replacement = PyValues.str(a.get(1, "new", ""));
        Object count = a.get(2, "count", PyNone.INSTANCE);
        long n = count == null || count == PyNone.INSTANCE ? -1 : PyValues.asNumber(count).longValue();
        return PyStrings.replace(PyValues.str(value), old, replacement, n);
    }

    private static Object first(Object value, Arguments a) {
        List<Object> items = PyValues.toList(value);
        return items.isEmpty() ? null : items.getFirst();
    }

    private static Object last(Object value, Arguments a) {
        List<Object> items = PyValues.toList(value);
        return items.isEmpty() ? null : items.getLast();
    }

    private static Object reverse(Object value, Arguments a) {
        if (PyValues.isString(value)) {
            return new StringBuilder(value.toString()).reverse().toString();
        }
        List<Object> items = new ArrayList<>(PyValues.toList(value));
        Collections.reverse(items);
        return items;
    }

    /** The sort key Jinja uses: an attribute of the item, lower-cased when comparing case-insensitively. */
    private static Object sortKey(Object item, Object attribute, boolean caseSensitive) {
        Object key = item;
        if (attribute != null && attribute != PyNone.INSTANCE) {
            key = JinjavaInterpreter.getCurrent().resolveProperty(item, PyValues.str(attribute));
        }
        return !caseSensitive && PyValues.isString(key) ? key.toString().toLowerCase(Locale.ROOT) : key;
    }

    /** {@code min}/{@code max(value, case_sensitive=False, attribute=None)}; empty gives undefined. */
    private static Object extreme(Object value, Arguments a, int sign) {
        boolean caseSensitive = PyValues.truthy(a.get(0, "case_sensitive", false));
        Object attribute = a.get(1, "attribute", PyNone.INSTANCE);
        Object best = null;
        Object bestKey = null;
        for (Object item : PyValues.toList(value)) {
            Object key = sortKey(item, attribute, caseSensitive);
            if (best == null || Integer.signum(PyValues.compare(key, bestKey)) == sign) {
                best = item;
                bestKey = key;
            }
        }
        return best;
    }

    /** {@code sort(value, reverse=False, case_sensitive=False, attribute=None)}, stable like Python's. */
    private static Object sort(Object value, Arguments a) {
        boolean reverse = PyValues.truthy(a.get(0, "reverse", false));
        boolean caseSensitive = PyValues.truthy(a.get(1, "case_sensitive", false));
        Object attribute = a.get(2, "attribute", PyNone.INSTANCE);
        List<Object> items = new ArrayList<>(PyValues.toList(value));
        List<Object> keys = new ArrayList<>(items.size());
        for (Object item : items) {
            keys.add(sortKey(item, attribute, caseSensitive));
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            order.add(i);
        }
        order.sort((x, y) -> reverse ? PyValues.compare(keys.get(y), keys.get(x)) : PyValues.compare(keys.get(x), keys.get(y)));
        List<Object> sorted = new ArrayList<>(items.size());
        for (int i : order) {
            sorted.add(items.get(i));
        }
        return sorted;
    }

    /** {@code unique(value, case_sensitive=False, attribute=None)}: first occurrences, in order. */
    private static Object unique(Object value, Arguments a) {
        boolean caseSensitive = PyValues.truthy(a.get(0, "case_sensitive", false));
        Object attribute = a.get(1, "attribute", PyNone.INSTANCE);
        List<Object> seen = new ArrayList<>();
        List<Object> kept = new ArrayList<>();
        for (Object item : PyValues.toList(value)) {
            Object key = sortKey(item, attribute, caseSensitive);
            if (seen.stream().noneMatch(s -> PyValues.eq(s, key))) {
                seen.add(key);
                kept.add(item);
            }
        }
        return kept;
    }

    /** {@code sum(iterable, attribute=None, start=0)} with Python's {@code +}. */
    private static Object sum(Object value, Arguments a) {
        Object attribute = a.get(0, "attribute", PyNone.INSTANCE);
        Object total = a.get(1, "start", 0L);
        for (Object item : PyValues.toList(value)) {
            Object term = attribute == null || attribute == PyNone.INSTANCE ? item
                    : JinjavaInterpreter.getCurrent().resolveProperty(item, PyValues.str(attribute));
            total = PyOperators.add(total, term);
        }
        return total;
    }

    /** Jinja's {@code int(value, default=0, base=10)}: Python's {@code int()}, then via float, else the default. */
    private static Object toInt(Object value, Arguments a) {
        Object fallback = a.get(0, "default", 0L);
        int base = (int) PyValues.asNumber(a.get(1, "base", 10L)).longValue();
        if (value instanceof Boolean || PyValues.isInt(value)) {
            return PyValues.asNumber(value) instanceof BigInteger big ? big : PyValues.asNumber(value).longValue();
        }
        if (PyValues.isFloat(value)) {
            double d = ((Number) value).doubleValue();
            return Double.isFinite(d) ? PyValues.normalizeInt(new BigDecimal(d).toBigInteger()) : fallback;
        }
        if (PyValues.isString(value)) {
            String text = value.toString().strip().replace("_", "");
            try {
                return PyValues.normalizeInt(new BigInteger(text.startsWith("+") ? text.substring(1) : text, base));
            } catch (NumberFormatException e) {
                Double d = parseFloat(text);
                return d != null && Double.isFinite(d) ? PyValues.normalizeInt(new BigDecimal(d).toBigInteger()) : fallback;
            }
        }
        return fallback;
    }

    /** Jinja's {@code float(value, default=0.0)}. */
    private static Object toFloat(Object value, Arguments a) {
        Object fallback = a.get(0, "default", 0.0);
        if (PyValues.isNumeric(value)) {
            return PyValues.asNumber(value).doubleValue();
        }
        if (PyValues.isString(value)) {
            Double d = parseFloat(value.toString().strip().replace("_", ""));
            return d != null ? d : fallback;
        }
        return fallback;
    }

    /** Python's {@code float(text)}, or null when Python would raise. */
    private static Double parseFloat(String text) {
        String t = text.toLowerCase(Locale.ROOT);
        String unsigned = t.startsWith("+") || t.startsWith("-") ? t.substring(1) : t;
        double sign = t.startsWith("-") ? -1.0 : 1.0;
        if (unsigned.equals("inf") || unsigned.equals("infinity")) {
            return sign * Double.POSITIVE_INFINITY;
        }
        if (unsigned.equals("nan")) {
            return Double.NaN;
        }
        if (!unsigned.matches("(\\d+\\.?\\d*|\\.\\d+)(e[+-]?\\d+)?")) {
            return null;
        }
        return Double.parseDouble(t);
    }

    /** markupsafe's {@code escape}: already-safe text passes through. */
    private static Object escape(Object value, Arguments a) {
        return value instanceof SafeString ? value : new SafeString(PyOperators.escapeHtml(PyValues.str(value)));
    }

    private static Object abs(Object value, Arguments a) {
        if (!PyValues.isNumeric(value)) {
            throw new JinjaRuntimeError("bad operand type for abs(): '" + PyValues.typeName(value) + "'");
        }
        Number n = PyValues.asNumber(value);
        return PyValues.isIntegral(n) ? PyValues.normalizeInt(PyValues.toBigInteger(n).abs()) : Math.abs(n.doubleValue());
    }

    /**
     * Jinja's {@code round(value, precision=0, method='common')}: {@code common} is Python's {@code round}
     * (half to even on the exact binary value, an int stays an int); {@code ceil}/{@code floor} give floats.
     */
    private static Object round(Object value, Arguments a) {
        int precision = (int) PyValues.asNumber(a.get(0, "precision", 0L)).longValue();
        String method = PyValues.str(a.get(1, "method", "common"));
        if (!PyValues.isNumeric(value)) {
            throw new JinjaRuntimeError("type " + PyValues.typeName(value) + " doesn't define __round__ method");
        }
        Number n = PyValues.asNumber(value);
        switch (method) {
            case "common" -> {
                if (PyValues.isIntegral(n)) {
                    return n;
                }
                double d = n.doubleValue();
                return Double.isFinite(d) ? new BigDecimal(d).setScale(precision, RoundingMode.HALF_EVEN).doubleValue() : d;
            }
            case "ceil", "floor" -> {
                double scale = Math.pow(10, precision);
                double scaled = n.doubleValue() * scale;
                return (method.equals("ceil") ? Math.ceil(scaled) : Math.floor(scaled)) / scale;
            }
            default -> throw new JinjaRuntimeError("method must be common, ceil or floor");
        }
    }

    /** Jinja's {@code truncate(s, length=255, killwords=False, end='...', leeway=5)}. */
    private static Object truncate(Object value, Arguments a) {
        String s = PyValues.str(value);
        long length = PyValues.asNumber(a.get(0, "length", 255L)).longValue();
        boolean killWords = PyValues.truthy(a.get(1, "killwords", false));
        String end = PyValues.str(a.get(2, "end", "..."));
        Object leewayArg = a.get(3, "leeway", PyNone.INSTANCE);
        long leeway = leewayArg == null || leewayArg == PyNone.INSTANCE ? 5 : PyValues.asNumber(leewayArg).longValue();
        int numCodePoints = s.codePointCount(0, s.length());
        if (numCodePoints <= length + leeway) {
            return s;
        }
        int keep = (int) Math.max(0, length - end.length());
        String head = s.substring(0, s.offsetByCodePoints(0, Math.min(keep, numCodePoints)));
        if (!killWords) {
            int space = head.lastIndexOf(' ');
            if (space >= 0) {
                head = head.substring(0, space);
            }
        }
        return head + end;
    }

    /** {@code batch(value, linecount, fill_with=None)}. */
    private static Object batch(Object value, Arguments a) {
        long size = PyValues.asNumber(a.get(0, "linecount", 1L)).longValue();
        if (size <= 0) {
            throw new JinjaRuntimeError("batch size must be positive");
        }
        Object fill = a.get(1, "fill_with", PyNone.INSTANCE);
        List<Object> batches = new ArrayList<>();
        List<Object> current = new ArrayList<>();
        for (Object item : PyValues.toList(value)) {
            current.add(item);
            if (current.size() == size) {
                batches.add(current);
                current = new ArrayList<>();
            }
        }
        if (!current.isEmpty()) {
            if (fill != null && fill != PyNone.INSTANCE) {
                while (current.size() < size) {
                    current.add(fill);
                }
            }
            batches.add(current);
        }
        return batches;
    }

    private static final Pattern WORD_BEGINNING = Pattern.compile("([-\\s({\\[<]+)");

    /** Jinja's {@code title} filter: capitalise each piece after whitespace, hyphens and opening brackets. */
    private static String title(String s) {
        StringBuilder out = new StringBuilder(s.length());
        var matcher = WORD_BEGINNING.matcher(s);
        int from = 0;
        while (matcher.find()) {
            appendTitled(out, s.substring(from, matcher.start()));
            out.append(matcher.group());
            from = matcher.end();
        }
        appendTitled(out, s.substring(from));
        return out.toString();
    }

    private static void appendTitled(StringBuilder out, String word) {
        if (word.isEmpty()) {
            return;
        }
        int first = word.codePointAt(0);
        out.append(new String(Character.toChars(first)).toUpperCase(Locale.ROOT));
        out.append(word.substring(Character.charCount(first)).toLowerCase(Locale.ROOT));
    }
}
