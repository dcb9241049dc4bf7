package io.kvasir.engine.chat.internal;

import java.beans.FeatureDescriptor;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;

/**
 * Refuses calls that would modify a list, dict or set ({@code .append()}, {@code .update()}, ...), as the immutable
 * sandbox transformers renders chat templates in does, with its message. Java's own mutators ({@code add},
 * {@code put}, ...) are refused too: they do not exist in Python, and templates must not change the caller's data.
 *
 * <p>Only method calls are handled; every other lookup is left to the next resolver. Stateless and thread-safe.
 */
final class ImmutableCollectionsGuard extends ELResolver {
    private static final Set<String> SEQUENCE_MUTATORS = Set.of("append", "reverse", "insert", "sort", "extend",
            "remove", "pop", "clear", "add", "addAll", "set", "removeAll", "retainAll", "removeIf", "replaceAll");
    private static final Set<String> MAPPING_MUTATORS = Set.of("clear", "pop", "popitem", "setdefault", "update",
            "put", "putAll", "remove", "putIfAbsent", "replace", "replaceAll", "compute", "computeIfAbsent",
            "computeIfPresent", "merge");

    @Override
    public Object invoke(ELContext context, Object base, Object method, Class<?>[] paramTypes, Object[] params) {
        if (!(method instanceof String name)) {
            return null;
        }
        if (base instanceof Map<?, ?> && MAPPING_MUTATORS.contains(name)
                || base instanceof Collection<?> && SEQUENCE_MUTATORS.contains(name)) {
            throw RenderState.raise("access to attribute '" + name + "' of '" + PyTypes.name(base)
                    + "' object is unsafe.");
        }
        return null;
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
        // Nothing is set through this resolver.
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
