package io.kvasir.engine.chat.internal;

import com.hubspot.jinjava.el.ext.NamedParameter;
import com.hubspot.jinjava.objects.SafeString;

import java.beans.FeatureDescriptor;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;

/**
 * Resolves method calls the way Python would for the types a chat template handles: every {@code str}
 * method (see {@link PyStrings}), {@code dict.get/items/keys/values}, {@code list.index/count}.
 *
 * <p>Like Hugging Face's {@code ImmutableSandboxedEnvironment}, methods that mutate a list or dict raise
 * a SecurityError. Anything else is left unresolved for Jinjava's own resolvers (macros, {@code loop}).
 */
final class PyMethodResolver extends ELResolver {

    private static final Set<String> LIST_MUTATORS = Set.of(
            "append", "extend", "insert", "pop", "remove", "clear", "sort", "reverse", "add", "addAll", "set");
    private static final Set<String> DICT_MUTATORS = Set.of(
            "update", "pop", "popitem", "setdefault", "clear", "put", "putAll", "remove");

    @Override
    public Object invoke(ELContext context, Object base, Object method, Class<?>[] paramTypes, Object[] params) {
        if (base == null || !(method instanceof String name)) {
            return null;
        }
        if (base instanceof CharSequence || base instanceof SafeString) {
            Object result = PyStrings.call(base.toString(), name, positional(params), named(params));
            context.setPropertyResolved(true);
            return result;
        }
        if (base instanceof PyLoop loop && (name.equals("cycle") || name.equals("changed"))) {
            List<Object> args = positional(params);
            return resolved(context, name.equals("cycle") ? loop.cycle(args) : loop.changed(args));
        }
        if (base instanceof Map<?, ?> map) {
            if (DICT_MUTATORS.contains(name)) {
                throw unsafe(name, "dict");
            }
            Object result = switch (name) {
                case "items" -> items(map);
                case "keys" -> new ArrayList<>(map.keySet());
                case "values" -> new ArrayList<>(map.values());
                case "get" -> get(map, positional(params));
                case "copy" -> new LinkedHashMap<>(map);
                default -> NOT_HANDLED;
            };
            return resolved(context, result);
        }
        if (base instanceof List<?> list) {
            if (LIST_MUTATORS.contains(name)) {
                throw unsafe(name, "list");
            }
            Object result = switch (name) {
                case "index" -> index(list, positional(params));
                case "count" -> count(list, positional(params));
                case "copy" -> new ArrayList<>(list);
                default -> NOT_HANDLED;
            };
            return resolved(context, result);
        }
        return null;
    }

    private static final Object NOT_HANDLED = new Object();

    private static Object resolved(ELContext context, Object result) {
        if (result == NOT_HANDLED) {
            return null;
        }
        context.setPropertyResolved(true);
        return result;
    }

    private static JinjaRuntimeError unsafe(String name, String type) {
        return new JinjaRuntimeError("access to attribute '" + name + "' of '" + type + "' object is unsafe.");
    }

    private static List<Object> items(Map<?, ?> map) {
        List<Object> items = new ArrayList<>(map.size());
        for (Map.Entry<?, ?> e : map.entrySet()) {
            items.add(new AbstractMap.SimpleImmutableEntry<>(e.getKey(), e.getValue()));
        }
        return items;
    }

    private static Object get(Map<?, ?> map, List<Object> args) {
        if (args.isEmpty() || args.size() > 2) {
            throw new JinjaRuntimeError("get expected at most 2 arguments, got " + args.size());
        }
        Object key = args.getFirst();
        if (map.containsKey(key)) {
            return map.get(key);
        }
        return args.size() == 2 ? args.get(1) : PyNone.INSTANCE;
    }

    private static long index(List<?> list, List<Object> args) {
        Object wanted = args.isEmpty() ? null : args.getFirst();
        for (int i = 0; i < list.size(); i++) {
            if (PyValues.eq(list.get(i), wanted)) {
                return i;
            }
        }
        throw new JinjaRuntimeError(PyValues.repr(wanted) + " is not in list");
    }

    private static long count(List<?> list, List<Object> args) {
        Object wanted = args.isEmpty() ? null : args.getFirst();
        long n = 0;
        for (Object item : list) {
            if (PyValues.eq(item, wanted)) {
                n++;
            }
        }
        return n;
    }

    private static List<Object> positional(Object[] params) {
        List<Object> args = new ArrayList<>();
        if (params != null) {
            for (Object p : params) {
                if (!(p instanceof NamedParameter)) {
                    args.add(p);
                }
            }
        }
        return args;
    }

    private static Map<String, Object> named(Object[] params) {
        Map<String, Object> kwargs = new LinkedHashMap<>();
        if (params != null) {
            for (Object p : params) {
                if (p instanceof NamedParameter np) {
                    kwargs.put(np.getName(), np.getValue());
                }
            }
        }
        return kwargs;
    }

    @Override
    public Object getValue(ELContext context, Object base, Object property) {
        return null;
    }

    @Override
    public Class<?> getType(ELContext context, Object base, Object property) {
        return null;
    }

    @Override
    public void setValue(ELContext context, Object base, Object property, Object value) {
        // Assignment goes through Jinjava's own resolvers.
    }

    @Override
    public boolean isReadOnly(ELContext context, Object base, Object property) {
        return false;
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
