package io.kvasir.engine.chat.internal;

import com.hubspot.jinjava.objects.SafeString;
import java.util.List;
import java.util.Map;

/** Python's names for the types of Java values as templates see them, for error messages. */
final class PyTypes {
    private PyTypes() {}

    static String name(Object value) {
        return switch (value) {
            case null -> "NoneType";
            case String s -> "str";
            case SafeString s -> "str";
            case Boolean b -> "bool";
            case Integer i -> "int";
            case Long l -> "int";
            case Double d -> "float";
            case Float f -> "float";
            case List<?> l -> "list";
            case Map<?, ?> m -> "dict";
            case java.util.Set<?> set -> "set";
            default -> value.getClass().getSimpleName();
        };
    }
}
