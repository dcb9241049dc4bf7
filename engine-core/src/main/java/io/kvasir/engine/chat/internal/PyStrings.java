package io.kvasir.engine.chat.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntPredicate;

/**
 * Python's {@code str} methods as chat templates call them ({@code content.split('</think>')[-1]},
 * {@code name.startswith('x')}, {@code text.strip()}), with Python's semantics rather than Java's
 * (literal separators, Unicode whitespace, code-point indices).
 */
final class PyStrings {

    private PyStrings() {
    }

    /**
     * Calls {@code s.<method>(*args, **kwargs)}.
     *
     * @throws JinjaRuntimeError when str has no such method or the arguments do not fit it
     */
    public static Object call(String s, String method, List<Object> args, Map<String, Object> kwargs) {
        Args a = new Args(method, args, kwargs);
        return switch (method) {
            case "strip" -> strip(s, a.optString(0, "chars"), true, true);
            case "lstrip" -> strip(s, a.optString(0, "chars"), true, false);
            case "rstrip" -> strip(s, a.optString(0, "chars"), false, true);
            case "split" -> split(s, a.optString(0, "sep"), a.optInt(1, "maxsplit", -1));
            case "rsplit" -> rsplit(s, a.optString(0, "sep"), a.optInt(1, "maxsplit", -1));
            case "splitlines" -> splitlines(s, PyValues.truthy(a.opt(0, "keepends", false)));
            case "startswith" -> affix(s, a, true);
            case "endswith" -> affix(s, a, false);
            case "upper" -> s.toUpperCase(Locale.ROOT);
            case "lower", "casefold" -> s.toLowerCase(Locale.ROOT);
            case "swapcase" -> swapcase(s);
            case "title" -> title(s);
            case "capitalize" -> capitalize(s);
            case "replace" -> replace(s, a.string(0, "old"), a.string(1, "new"), a.optInt(2, "count", -1));
            case "find" -> find(s, a, false, false);
            case "rfind" -> find(s, a, true, false);
            case "index" -> find(s, a, false, true);
            case "rindex" -> find(s, a, true, true);
            case "count" -> count(s, a.string(0, "sub"));
            case "join" -> join(s, a.opt(0, "iterable", null));
            case "isdigit", "isdecimal", "isnumeric" -> allMatch(s, Character::isDigit);
            case "isalpha" -> allMatch(s, Character::isLetter);
            case "isalnum" -> allMatch(s, Character::isLetterOrDigit);
            case "isspace" -> allMatch(s, PyStrings::isWhitespace);
            case "isupper" -> hasCased(s) && s.codePoints().noneMatch(Character::isLowerCase);
            case "islower" -> hasCased(s) && s.codePoints().noneMatch(Character::isUpperCase);
            case "zfill" -> zfill(s, a.integer(0, "width"));
            case "center" -> pad(s, a.integer(0, "width"), a.optString(1, "fillchar"), 0);
            case "ljust" -> pad(s, a.integer(0, "width"), a.optString(1, "fillchar"), -1);
            case "rjust" -> pad(s, a.integer(0, "width"), a.optString(1, "fillchar"), 1);
            case "partition" -> partition(s, a.string(0, "sep"), false);
            case "rpartition" -> partition(s, a.string(0, "sep"), true);
            case "removeprefix" -> s.startsWith(a.string(0, "prefix")) ? s.substring(a.string(0, "prefix").length()) : s;
            case "removesuffix" -> {
                String suffix = a.string(0, "suffix");
                yield !suffix.isEmpty() && s.endsWith(suffix) ? s.substring(0, s.length() - suffix.length()) : s;
            }
            case "format" -> PyFormat.format(s, args, kwargs);
            default -> throw new JinjaRuntimeError("'str object' has no attribute '" + method + "'");
        };
    }

    /** Python's {@code str.isspace()} for one code point. */
    public static boolean isWhitespace(int cp) {
        return switch (cp) {
            case '\t', '\n', 0x0b, '\f', '\r', 0x1c, 0x1d, 0x1e, 0x1f, ' ', 0x85, 0xa0, 0x1680, 0x2028, 0x2029,
                 0x202f, 0x205f, 0x3000 -> true;
            default -> cp >= 0x2000 && cp <= 0x200a;
        };
    }

    /** Python's {@code str.strip(chars)}; {@code chars == null} strips whitespace. */
    public static String strip(String s, String chars, boolean left, boolean right) {
        int start = 0;
        int end = s.length();
        if (left) {
            while (start < end) {
                int cp = s.codePointAt(start);
                if (!stripped(cp, chars)) {
                    break;
                }
                start += Character.charCount(cp);
            }
        }
        if (right) {
            while (end > start) {
                int cp = s.codePointBefore(end);
                if (!stripped(cp, chars)) {
                    break;
                }
                end -= Character.charCount(cp);
            }
        }
        return s.substring(start, end);
    }

    private static boolean stripped(int cp, String chars) {
        return chars == null ? isWhitespace(cp) : chars.indexOf(cp) >= 0;
    }

    /** Python's {@code str.split(sep, maxsplit)}. */
    public static List<Object> split(String s, String sep, long maxSplit) {
        List<Object> parts = new ArrayList<>();
        if (sep == null) {
            int i = 0;
            int n = s.length();
            while (true) {
                while (i < n && isWhitespace(s.codePointAt(i))) {
                    i += Character.charCount(s.codePointAt(i));
                }
                if (i >= n) {
                    break;
                }
                if (maxSplit >= 0 && parts.size() == maxSplit) {
                    parts.add(strip(s.substring(i), null, false, true));
                    break;
                }
                int j = i;
                while (j < n && !isWhitespace(s.codePointAt(j))) {
                    j += Character.charCount(s.codePointAt(j));
                }
                parts.add(s.substring(i, j));
                i = j;
            }
            return parts;
        }
        if (sep.isEmpty()) {
            throw new JinjaRuntimeError("empty separator");
        }
        int from = 0;
        while (maxSplit < 0 || parts.size() < maxSplit) {
            int at = s.indexOf(sep, from);
            if (at < 0) {
                break;
            }
            parts.add(s.substring(from, at));
            from = at + sep.length();
        }
        parts.add(s.substring(from));
        return parts;
    }

    private static List<Object> rsplit(String s, String sep, long maxSplit) {
        if (maxSplit < 0) {
            return split(s, sep, maxSplit);
        }
        List<Object> parts = new ArrayList<>();
        if (sep == null) {
            int end = s.length();
            while (true) {
                while (end > 0 && isWhitespace(s.codePointBefore(end))) {
                    end -= Character.charCount(s.codePointBefore(end));
                }
                if (end <= 0) {
                    break;
                }
                if (parts.size() == maxSplit) {
                    parts.add(strip(s.substring(0, end), null, true, false));
                    break;
                }
                int start = end;
                while (start > 0 && !isWhitespace(s.codePointBefore(start))) {
                    start -= Character.charCount(s.codePointBefore(start));
                }
                parts.add(s.substring(start, end));
                end = start;
            }
        } else {
            if (sep.isEmpty()) {
                throw new JinjaRuntimeError("empty separator");
            }
            int end = s.length();
            while (parts.size() < maxSplit) {
                int at = s.lastIndexOf(sep, end - sep.length());
                if (at < 0) {
                    break;
                }
                parts.add(s.substring(at + sep.length(), end));
                end = at;
            }
            parts.add(s.substring(0, end));
        }
        Collections.reverse(parts);
        return parts;
    }

    private static List<Object> splitlines(String s, boolean keepEnds) {
        List<Object> lines = new ArrayList<>();
        int start = 0;
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            int breakLength = switch (c) {
                case '\r' -> i + 1 < s.length() && s.charAt(i + 1) == '\n' ? 2 : 1;
                case '\n', 0x0b, '\f', 0x1c, 0x1d, 0x1e, 0x85, 0x2028, 0x2029 -> 1;
                default -> 0;
            };
            if (breakLength == 0) {
                i++;
                continue;
            }
            lines.add(s.substring(start, keepEnds ? i + breakLength : i));
            i += breakLength;
            start = i;
        }
        if (start < s.length()) {
            lines.add(s.substring(start));
        }
        return lines;
    }

    private static boolean affix(String s, Args a, boolean prefix) {
        Object wanted = a.opt(0, prefix ? "prefix" : "suffix", null);
        String range = slice(s, a.opt(1, "start", PyNone.INSTANCE), a.opt(2, "end", PyNone.INSTANCE));
        if (range == null) {
            return false;
        }
        List<Object> candidates = PyValues.isString(wanted) ? List.of(wanted)
                : wanted instanceof List<?> ? PyValues.toList(wanted) : null;
        if (candidates == null) {
            throw new JinjaRuntimeError((prefix ? "startswith" : "endswith")
                    + " first arg must be str or a tuple of str, not " + PyValues.typeName(wanted));
        }
        for (Object candidate : candidates) {
            String c = String.valueOf(candidate);
            if (prefix ? range.startsWith(c) : range.endsWith(c)) {
                return true;
            }
        }
        return false;
    }

    /** {@code s[start:end]} in code points, or null when start lies past the end. */
    private static String slice(String s, Object start, Object end) {
        int length = s.codePointCount(0, s.length());
        int from = start == PyNone.INSTANCE ? 0 : clampIndex(((Number) start).longValue(), length);
        int to = end == PyNone.INSTANCE ? length : clampIndex(((Number) end).longValue(), length);
        if (from > length) {
            return null;
        }
        if (to < from) {
            return "";
        }
        return s.substring(s.offsetByCodePoints(0, from), s.offsetByCodePoints(0, to));
    }

    private static int clampIndex(long index, int length) {
        long i = index < 0 ? index + length : index;
        return (int) Math.max(0, Math.min(length, i));
    }

    private static Object find(String s, Args a, boolean reverse, boolean mustExist) {
        String sub = a.string(0, "sub");
        Object start = a.opt(1, "start", PyNone.INSTANCE);
        Object end = a.opt(2, "end", PyNone.INSTANCE);
        int length = s.codePointCount(0, s.length());
        int from = start == PyNone.INSTANCE ? 0 : clampIndex(((Number) start).longValue(), length);
        int to = end == PyNone.INSTANCE ? length : clampIndex(((Number) end).longValue(), length);
        long found = -1;
        if (from <= to) {
            String range = s.substring(s.offsetByCodePoints(0, from), s.offsetByCodePoints(0, to));
            int at = reverse ? range.lastIndexOf(sub) : range.indexOf(sub);
            if (at >= 0) {
                found = from + range.codePointCount(0, at);
            }
        }
        if (found < 0 && mustExist) {
            throw new JinjaRuntimeError("substring not found");
        }
        return found;
    }

    private static long count(String s, String sub) {
        if (sub.isEmpty()) {
            return s.codePointCount(0, s.length()) + 1L;
        }
        long n = 0;
        for (int at = s.indexOf(sub); at >= 0; at = s.indexOf(sub, at + sub.length())) {
            n++;
        }
        return n;
    }

    /** Python's {@code str.replace(old, new, count)}. */
    public static String replace(String s, String old, String replacement, long count) {
        if (count == 0) {
            return s;
        }
        StringBuilder out = new StringBuilder();
        long done = 0;
        if (old.isEmpty()) {
            // Python inserts the replacement before every code point and at the end.
            int i = 0;
            while (i <= s.length()) {
                if (count < 0 || done < count) {
                    out.append(replacement);
                    done++;
                }
                if (i == s.length()) {
                    break;
                }
                int cp = s.codePointAt(i);
                out.appendCodePoint(cp);
                i += Character.charCount(cp);
            }
            return out.toString();
        }
        int from = 0;
        for (int at = s.indexOf(old); at >= 0 && (count < 0 || done < count); at = s.indexOf(old, from)) {
            out.append(s, from, at).append(replacement);
            from = at + old.length();
            done++;
        }
        return out.append(s, from, s.length()).toString();
    }

    private static String join(String separator, Object iterable) {
        StringBuilder out = new StringBuilder();
        List<Object> items = PyValues.toList(iterable);
        for (int i = 0; i < items.size(); i++) {
            Object item = items.get(i);
            if (!PyValues.isString(item)) {
                throw new JinjaRuntimeError("sequence item " + i + ": expected str instance, "
                        + PyValues.typeName(item) + " found");
            }
            if (i > 0) {
                out.append(separator);
            }
            out.append(item);
        }
        return out.toString();
    }

    private static boolean allMatch(String s, IntPredicate predicate) {
        return !s.isEmpty() && s.codePoints().allMatch(predicate);
    }

    private static boolean hasCased(String s) {
        return s.codePoints().anyMatch(cp -> Character.isUpperCase(cp) || Character.isLowerCase(cp));
    }

    private static String swapcase(String s) {
        StringBuilder out = new StringBuilder(s.length());
        s.codePoints().forEach(cp -> out.append(Character.isUpperCase(cp)
                ? new String(Character.toChars(cp)).toLowerCase(Locale.ROOT)
                : new String(Character.toChars(cp)).toUpperCase(Locale.ROOT)));
        return out.toString();
    }

    private static boolean isCased(int cp) {
        return Character.isUpperCase(cp) || Character.isLowerCase(cp) || Character.isTitleCase(cp);
    }

    /** Python's {@code str.title()}: a cased letter after an uncased character starts a word. */
    public static String title(String s) {
        StringBuilder out = new StringBuilder(s.length());
        boolean previousCased = false;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (isCased(cp)) {
                out.appendCodePoint(previousCased ? Character.toLowerCase(cp) : Character.toTitleCase(cp));
                previousCased = true;
            } else {
                out.appendCodePoint(cp);
                previousCased = false;
            }
        }
        return out.toString();
    }

    /** Python's {@code str.capitalize()}: first character title-cased, the rest lower-cased. */
    public static String capitalize(String s) {
        if (s.isEmpty()) {
            return s;
        }
        int first = s.codePointAt(0);
        return new StringBuilder().appendCodePoint(Character.toTitleCase(first))
                .append(s.substring(Character.charCount(first)).toLowerCase(Locale.ROOT)).toString();
    }

    private static String zfill(String s, long width) {
        int length = s.codePointCount(0, s.length());
        if (width <= length) {
            return s;
        }
        String zeros = "0".repeat((int) (width - length));
        if (!s.isEmpty() && (s.charAt(0) == '+' || s.charAt(0) == '-')) {
            return s.charAt(0) + zeros + s.substring(1);
        }
        return zeros + s;
    }

    private static String pad(String s, long width, String fill, int align) {
        String f = fill == null ? " " : fill;
        if (f.codePointCount(0, f.length()) != 1) {
            throw new JinjaRuntimeError("The fill character must be exactly one character long");
        }
        int length = s.codePointCount(0, s.length());
        if (width <= length) {
            return s;
        }
        int total = (int) (width - length);
        int left = switch (align) {
            case -1 -> 0;
            case 1 -> total;
            // Python centres with the extra character on the left when the string length is odd.
            default -> total / 2 + (int) (total & width & 1);
        };
        return f.repeat(left) + s + f.repeat(total - left);
    }

    private static List<Object> partition(String s, String sep, boolean reverse) {
        if (sep.isEmpty()) {
            throw new JinjaRuntimeError("empty separator");
        }
        int at = reverse ? s.lastIndexOf(sep) : s.indexOf(sep);
        if (at < 0) {
            return reverse ? PyTuple.of("", "", s) : PyTuple.of(s, "", "");
        }
        return PyTuple.of(s.substring(0, at), sep, s.substring(at + sep.length()));
    }

    /** Positional-or-keyword arguments of one method call, checked the way Python reports misuse. */
    private static final class Args {
        private final String method;
        private final List<Object> positional;
        private final Map<String, Object> named;

        Args(String method, List<Object> positional, Map<String, Object> named) {
            this.method = method;
            this.positional = positional;
            this.named = named;
        }

        Object opt(int index, String name, Object fallback) {
            if (index < positional.size()) {
                return positional.get(index);
            }
            return named.getOrDefault(name, fallback);
        }

        String optString(int index, String name) {
            Object value = opt(index, name, PyNone.INSTANCE);
            if (value == PyNone.INSTANCE) {
                return null;
            }
            if (!PyValues.isString(value)) {
                throw new JinjaRuntimeError(method + " arg must be None or str");
            }
            return value.toString();
        }

        String string(int index, String name) {
            Object value = opt(index, name, null);
            if (!PyValues.isString(value)) {
                throw new JinjaRuntimeError(method + "() argument '" + name + "' must be str, not "
                        + PyValues.typeName(value));
            }
            return value.toString();
        }

        long optInt(int index, String name, long fallback) {
            Object value = opt(index, name, fallback);
            if (!PyValues.isInt(value)) {
                throw new JinjaRuntimeError("'" + PyValues.typeName(value) + "' object cannot be interpreted as an integer");
            }
            return ((Number) value).longValue();
        }

        long integer(int index, String name) {
            Object value = opt(index, name, null);
            if (!PyValues.isInt(value)) {
                throw new JinjaRuntimeError(method + "() argument '" + name + "' must be int, not "
                        + PyValues.typeName(value));
            }
            return ((Number) value).longValue();
        }
    }
}
