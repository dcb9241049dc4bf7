package io.kvasir.engine.chat.internal;

import com.hubspot.jinjava.objects.PyWrapper;

import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * What Jinja's {@code map}, {@code select}, {@code reject}, {@code selectattr} and {@code rejectattr}
 * return: a one-shot generator. It iterates once (a second loop over it sees nothing), has no length and
 * is not JSON serializable, so {@code tools|map(attribute='function')|tojson} fails as it does in
 * transformers while {@code ...|list} and loops work.
 */
final class PyGenerator implements Iterable<Object>, PyWrapper {

    private List<Object> items;

    PyGenerator(List<Object> items) {
        this.items = items;
    }

    @Override
    public Iterator<Object> iterator() {
        List<Object> remaining = items;
        items = Collections.emptyList();
        return remaining.iterator();
    }

    @Override
    public String toString() {
        return "<generator object>";
    }
}
