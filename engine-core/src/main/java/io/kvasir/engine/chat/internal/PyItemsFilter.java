package io.kvasir.engine.chat.internal;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.filter.Filter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Jinja2's {@code items} filter: a mapping's (key, value) pairs in order, as {@code dict.items()} gives them. */
final class PyItemsFilter implements Filter {
    @Override
    public String getName() {
        return "items";
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
        if (var == null) {
            return List.of();
        }
        if (!(var instanceof Map<?, ?> map)) {
            throw RenderState.raise("Can only get item pairs from a mapping.");
        }
        return new ArrayList<>(map.entrySet());
    }
}
