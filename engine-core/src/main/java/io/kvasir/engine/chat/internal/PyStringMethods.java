package io.kvasir.engine.chat.internal;

import com.hubspot.jinjava.objects.SafeString;
import java.beans.FeatureDescriptor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;

/**
 * Python's {@code str} methods on strings ({@code .strip()}, {@code .split()}, {@code .startswith()}, ...), placed
 * ahead of Jinjava's bean resolver so a Python name never reaches a Java method of the same name with other
 * semantics ({@code String.split} takes a regex and drops trailing empty strings; Python's does neither).
 *
 * <p>Only method calls and integer subscripts ({@code text[0]}) are handled; every other lookup is left to the next
 * resolver. Stateless and thread-safe.
 */
final class PyStringMethods extends ELResolver {

    @Override
    public Object invoke(ELContext context, Object base, Object method, Class<?>[] paramTypes, Object[] params) {
        if (!(base instanceof String || base instanceof SafeString) || !(method instanceof String name)) {
            return null;
        }
        String s = base.toString();
        Object[] args = params == null ? new Object[0] : params;
        Object result = call(s, name, args);
        if (result == NOT_A_METHOD) {
            return null;
        }
        context.setPropertyResolved(true);
        return result;
    }

    private static final Object NOT_A_METHOD = new Object();
    private static final Pattern INTEGER = Pattern.compile("-?\\d{1,9}");

    private static Object call(String s, String name, Object[] args) {
        return switch (name) {
            case "strip" -> strip(s, charsArg(args), true, true);
            case "lstrip" -> strip(s, charsArg(args), true, false);
            case "rstrip" -> strip(s, charsArg(args), false, true);
            case "split" -> split(s, stringArg(args, 0), intArg(args, 1, -1));
            case "rsplit" -> rsplit(s, stringArg(args, 0), intArg(args, 1, -1));
            case "splitlines" -> s.lines().toList();
            case "startswith" -> matchesAffix(s, args, true);
            case "endswith" -> matchesAffix(s, args, false);
            case "upper" -> s.toUpperCase(Locale.ROOT);
            case "lower" -> s.toLowerCase(Locale.ROOT);
            case "title" -> title(s);
            case "capitalize" -> s.isEmpty() ? s
                    : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1).toLowerCase(Locale.ROOT);
            case "replace" -> replace(s, requiredString(args, 0, name), requiredString(args, 1, name),
                    intArg(args, 2, -1));
            case "find" -> (long) s.indexOf(requiredString(args, 0, name));
            case "rfind" -> (long) s.lastIndexOf(requiredString(args, 0, name));
            case "count" -> count(s, requiredString(args, 0, name));
            case "join" -> join(s, args);
            case "removeprefix" -> {
                String prefix = requiredString(args, 0, name);
                yield s.startsWith(prefix) ? s.substring(prefix.length()) : s;
            }
            case "removesuffix" -> {
                String suffix = requiredString(args, 0, name);
                yield s.endsWith(suffix) ? s.substring(0, s.length() - suffix.length()) : s;
            }
            case "isdigit" -> !s.isEmpty() && s.chars().allMatch(Character::isDigit);
            case "isalpha" -> !s.isEmpty() && s.chars().allMatch(Character::isLetter);
            case "isalnum" -> !s.isEmpty() && s.chars().allMatch(Character::isLetterOrDigit);
            case "isspace" -> !s.isEmpty() && s.chars().allMatch(Character::isWhitespace);
            case "isupper" -> s.chars().anyMatch(Character::isLetter) && s.equals(s.toUpperCase(Locale.ROOT));
            case "islower" -> s.chars().anyMatch(Character::isLetter) && s.equals(s.toLowerCase(Locale.ROOT));
            default -> NOT_A_METHOD;
        };
    }

    private static String strip(String s, String chars, boolean left, boolean right) {
        int start = 0;
        int end = s.length();
        if (left) {
            while (start < end && isStripped(s.charAt(start), chars)) {
                start++;
            }
        }
        if (right) {
            while (end > start && isStripped(s.charAt(end - 1), chars)) {
                end--;
            }
        }
        return s.substring(start, end);
    }

    private static boolean isStripped(char c, String chars) {
        return chars == null ? Character.isWhitespace(c) || Character.isSpaceChar(c) : chars.indexOf(c) >= 0;
    }

    private static List<String> split(String s, String sep, int maxSplit) {
        List<String> parts = new ArrayList<>();
        if (sep == null) {
            int i = 0;
            int n = s.length();
            while (true) {
                while (i < n && Character.isWhitespace(s.charAt(i))) {
                    i++;
                }
                if (i == n) {
                    return parts;
                }
                if (maxSplit >= 0 && parts.size() == maxSplit) {
                    parts.add(s.substring(i));
                    return parts;
                }
                int start = i;
                while (i < n && !Character.isWhitespace(s.charAt(i))) {
                    i++;
                }
                parts.add(s.substring(start, i));
            }
        }
        if (sep.isEmpty()) {
            throw RenderState.raise("empty separator");
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

    private static List<String> rsplit(String s, String sep, int maxSplit) {
        if (maxSplit < 0 || sep == null) {
            if (sep == null && maxSplit >= 0) {
                List<String> reversed = split(new StringBuilder(s).reverse().toString(), null, maxSplit);
                List<String> parts = new ArrayList<>(reversed.size());
                for (int i = reversed.size() - 1; i >= 0; i--) {
                    parts.add(new StringBuilder(reversed.get(i)).reverse().toString());
                }
                return parts;
            }
            return split(s, sep, maxSplit);
        }
        if (sep.isEmpty()) {
            throw RenderState.raise("empty separator");
        }
        List<String> parts = new ArrayList<>();
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
        Collections.reverse(parts);
        return parts;
    }

    private static boolean matchesAffix(String s, Object[] args, boolean prefix) {
        if (args.length == 0) {
            throw RenderState.raise((prefix ? "startswith" : "endswith") + "() takes at least 1 argument (0 given)");
        }
        if (args[0] instanceof Iterable<?> candidates) {
            for (Object candidate : candidates) {
                if (matchesAffix(s, String.valueOf(candidate), prefix)) {
                    return true;
                }
            }
            return false;
        }
        return matchesAffix(s, requiredString(args, 0, prefix ? "startswith" : "endswith"), prefix);
    }

    private static boolean matchesAffix(String s, String affix, boolean prefix) {
        return prefix ? s.startsWith(affix) : s.endsWith(affix);
    }

    private static String title(String s) {
        StringBuilder out = new StringBuilder(s.length());
        boolean previousCased = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            out.append(previousCased ? Character.toLowerCase(c) : Character.toUpperCase(c));
            previousCased = Character.isLetter(c);
        }
        return out.toString();
    }

    private static String replace(String s, String old, String replacement, int count) {
        if (count < 0) {
            return s.replace(old, replacement);
        }
        StringBuilder out = new StringBuilder();
        int from = 0;
        for (int n = 0; n < count; n++) {
            int at = old.isEmpty() ? (from <= s.length() ? from : -1) : s.indexOf(old, from);
            if (at < 0) {
                break;
            }
            out.append(s, from, at).append(replacement);
            if (old.isEmpty()) {
                if (at < s.length()) {
                    out.append(s.charAt(at));
                }
                from = at + 1;
            } else {
                from = at + old.length();
            }
        }
        if (from <= s.length()) {
            out.append(s, from, s.length());
        }
        return out.toString();
    }

    private static long count(String s, String sub) {
        if (sub.isEmpty()) {
            return s.length() + 1L;
        }
        long n = 0;
        for (int at = s.indexOf(sub); at >= 0; at = s.indexOf(sub, at + sub.length())) {
            n++;
        }
        return n;
    }

    private static String join(String separator, Object[] args) {
        if (args.length != 1 || !(args[0] instanceof Iterable<?> items)) {
            throw RenderState.raise("join() takes exactly one iterable argument");
        }
        StringBuilder out = new StringBuilder();
        Iterator<?> it = items.iterator();
        while (it.hasNext()) {
            Object item = it.next();
            if (!(item instanceof String || item instanceof SafeString)) {
                throw RenderState.raise("sequence item: expected str instance, " + PyTypes.name(item) + " found");
            }
            out.append(item);
            if (it.hasNext()) {
                out.append(separator);
            }
        }
        return out.toString();
    }

    private static String charsArg(Object[] args) {
        return stringArg(args, 0);
    }

    private static String stringArg(Object[] args, int index) {
        return index < args.length && args[index] != null ? args[index].toString() : null;
    }

    private static String requiredString(Object[] args, int index, String method) {
        String value = stringArg(args, index);
        if (value == null) {
            throw RenderState.raise(method + "() missing required argument " + (index + 1));
        }
        return value;
    }

    private static int intArg(Object[] args, int index, int absent) {
        if (index >= args.length || args[index] == null) {
            return absent;
        }
        if (args[index] instanceof Number n) {
            return n.intValue();
        }
        throw RenderState.raise("'" + PyTypes.name(args[index]) + "' object cannot be interpreted as an integer");
    }

    /** {@code text[i]}: the character at {@code i}, counted from the end when negative, as in Python. */
    @Override
    public Object getValue(ELContext context, Object base, Object property) {
        // Jinjava hands subscripts over as text, so an integer index arrives as its digits.
        if (!(base instanceof String || base instanceof SafeString) || property == null
                || !INTEGER.matcher(property.toString()).matches()) {
            return null;
        }
        String s = base.toString();
        long index = Long.parseLong(property.toString());
        if (index < 0) {
            index += s.length();
        }
        if (index < 0 || index >= s.length()) {
            throw RenderState.raise("string index out of range");
        }
        context.setPropertyResolved(true);
        return String.valueOf(s.charAt((int) index));
    }

    @Override
    public Class<?> getType(ELContext context, Object base, Object property) {
        return null;
    }

    @Override
    public void setValue(ELContext context, Object base, Object property, Object value) {
        // Strings are immutable; nothing to set.
    }

    @Override
    public boolean isReadOnly(ELContext context, Object base, Object property) {
        return true;
    }

    @Override
    public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
        return null;
    }

    @Override
    public Class<?> getCommonPropertyType(ELContext context, Object base) {
        return null;
    }
}
