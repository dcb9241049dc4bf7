package io.kvasir.engine.chat.internal;

import com.hubspot.jinjava.objects.PyWrapper;

import java.util.LinkedHashMap;
import java.util.List;

/**
 * Jinja's {@code loop} variable: {@code index}, {@code index0}, {@code revindex}, {@code revindex0},
 * {@code first}, {@code last}, {@code length}, {@code depth}, {@code depth0}, {@code previtem},
 * {@code nextitem}, plus {@code cycle(...)} and {@code changed(...)} (resolved by {@link PyMethodResolver}).
 *
 * <p>A map so Jinjava resolves the attributes without reflection; {@code previtem}/{@code nextitem} are
 * absent (undefined) at the ends, as in Jinja.
 */
final class PyLoop extends LinkedHashMap<String, Object> implements PyWrapper {

    private static final long serialVersionUID = 1L;

    private final transient List<Object> items;
    private int index0;
    private transient List<Object> lastChanged;

    PyLoop(List<Object> items) {
        this.items = items;
    }

    /** Moves to item {@code index0}. */
    void moveTo(int index0) {
        this.index0 = index0;
        int length = items.size();
        put("index", (long) index0 + 1);
        put("index0", (long) index0);
        put("revindex", (long) (length - index0));
        put("revindex0", (long) (length - index0 - 1));
        put("first", index0 == 0);
        put("last", index0 == length - 1);
        put("length", (long) length);
        put("depth", 1L);
        put("depth0", 0L);
        if (index0 > 0) {
            put("previtem", items.get(index0 - 1));
        } else {
            remove("previtem");
        }
        if (index0 + 1 < length) {
            put("nextitem", items.get(index0 + 1));
        } else {
            remove("nextitem");
        }
    }

    /** {@code loop.cycle(a, b, ...)}: the argument at the current index, round-robin. */
    Object cycle(List<Object> values) {
        if (values.isEmpty()) {
            throw new JinjaRuntimeError("no items for cycling given");
        }
        return values.get(index0 % values.size());
    }

    /** {@code loop.changed(...)}: whether the values differ from the previous call's. */
    boolean changed(List<Object> values) {
        boolean changed = lastChanged == null || !PyValues.eq(lastChanged, values);
        lastChanged = values;
        return changed;
    }

    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }
}
