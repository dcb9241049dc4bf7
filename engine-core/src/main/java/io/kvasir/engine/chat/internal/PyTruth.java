package io.kvasir.engine.chat.internal;

import com.hubspot.jinjava.objects.SafeString;
import java.util.Collection;
import java.util.Map;

/** Python's truth value: None, False, zero and empty strings and containers are false. */
final class PyTruth {
    private PyTruth() {}

    static boolean isTrue(Object value) {
        return switch (value) {
            case null -> false;
            case Boolean b -> b;
            case Number n -> n.doubleValue() != 0;
            case String s -> !s.isEmpty();
            case SafeString s -> !s.toString().isEmpty();
            case Collection<?> c -> !c.isEmpty();
            case Map<?, ?> m -> !m.isEmpty();
            case Object[] a -> a.length > 0;
            default -> true;
        };
    }
}
