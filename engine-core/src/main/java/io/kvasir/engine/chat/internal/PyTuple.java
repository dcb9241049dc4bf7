package io.kvasir.engine.chat.internal;

import com.hubspot.jinjava.objects.PyWrapper;

import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

/**
 * An immutable Python tuple: a list that prints as {@code (a, b)}. Marked as a {@link PyWrapper} so
 * Jinjava hands it around as is instead of re-wrapping it as a mutable list.
 */
final class PyTuple extends AbstractList<Object> implements RandomAccess, PyWrapper {

    private final Object[] items;

    private PyTuple(Object[] items) {
        this.items = items;
    }

    static PyTuple of(List<?> items) {
        return new PyTuple(items.toArray());
    }

    static PyTuple of(Object... items) {
        return new PyTuple(items.clone());
    }

    @Override
    public Object get(int index) {
        return items[index];
    }

    @Override
    public int size() {
        return items.length;
    }
}
