package io.kvasir.engine.chat.internal;

import com.hubspot.jinjava.objects.Namespace;
import com.hubspot.jinjava.objects.PyWrapper;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A method looked up without being called ({@code message.items}, {@code text.upper}). Jinja's attribute
 * lookup finds Python methods before dict keys, so {@code spec.items} is dict's {@code items} method, not
 * the {@code "items"} key; templates that rely on that quirk then see a truthy value with no attributes.
 *
 * @param ownerType the Python type whose method this is ({@code dict}, {@code list}, {@code str})
 * @param name      the method name
 */
record PyCallable(String ownerType, String name) implements PyWrapper {

    private static final Set<String> DICT_METHODS = Set.of("items", "keys", "values", "get", "copy", "fromkeys");
    private static final Set<String> DICT_UNSAFE = Set.of("update", "pop", "popitem", "setdefault", "clear");
    private static final Set<String> LIST_METHODS = Set.of("index", "count", "copy");
    private static final Set<String> LIST_UNSAFE = Set.of("append", "extend", "insert", "pop", "remove", "clear", "sort", "reverse");
    private static final Set<String> STR_METHODS = Set.of(
            "capitalize", "casefold", "center", "count", "encode", "endswith", "expandtabs", "find", "format",
            "format_map", "index", "isalnum", "isalpha", "isascii", "isdecimal", "isdigit", "isidentifier",
            "islower", "isnumeric", "isprintable", "isspace", "istitle", "isupper", "join", "ljust", "lower",
            "lstrip", "maketrans", "partition", "removeprefix", "removesuffix", "replace", "rfind", "rindex",
            "rjust", "rpartition", "rsplit", "rstrip", "split", "splitlines", "startswith", "strip", "swapcase",
            "title", "translate", "upper", "zfill");

    /** What Python attribute lookup does before falling back to a key. */
    enum Lookup { METHOD, UNSAFE, KEY }

    /** Whether {@code base.name} is a Python method, a method the sandbox hides, or a key/attribute. */
    static Lookup lookup(Object base, String name) {
        if (base instanceof PyLoop || base instanceof Namespace) {
            return Lookup.KEY;
        }
        if (base instanceof Map<?, ?>) {
            return DICT_METHODS.contains(name) ? Lookup.METHOD : DICT_UNSAFE.contains(name) ? Lookup.UNSAFE : Lookup.KEY;
        }
        if (base instanceof List<?> && !(base instanceof PyTuple)) {
            return LIST_METHODS.contains(name) ? Lookup.METHOD : LIST_UNSAFE.contains(name) ? Lookup.UNSAFE : Lookup.KEY;
        }
        if (PyValues.isString(base)) {
            return STR_METHODS.contains(name) ? Lookup.METHOD : Lookup.KEY;
        }
        return Lookup.KEY;
    }

    @Override
    public String toString() {
        return "<built-in method " + name + " of " + ownerType + " object>";
    }
}
