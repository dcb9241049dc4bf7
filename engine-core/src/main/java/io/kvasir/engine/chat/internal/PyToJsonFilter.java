package io.kvasir.engine.chat.internal;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.filter.Filter;
import java.util.List;
import java.util.Map;

/**
 * {@code tojson} as transformers defines it for chat templates:
 * {@code tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False)} over Python's
 * {@code json.dumps}. Non-ASCII text stays as is and nothing is HTML-escaped (Jinja2's own {@code tojson} does both).
 */
final class PyToJsonFilter implements Filter {
    private static final String[] POSITIONAL = {"ensure_ascii", "indent", "separators", "sort_keys"};

    @Override
    public String getName() {
        return "tojson";
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
        return filter(var, interpreter, (Object[]) args, Map.of());
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
        Object ensureAscii = argument("ensure_ascii", args, kwargs);
        Object indent = argument("indent", args, kwargs);
        Object separators = argument("separators", args, kwargs);
        Object sortKeys = argument("sort_keys", args, kwargs);
        String itemSeparator = null;
        String keySeparator = null;
        if (separators instanceof List<?> pair && pair.size() == 2) {
            itemSeparator = String.valueOf(pair.get(0));
            keySeparator = String.valueOf(pair.get(1));
        } else if (separators != null) {
            throw RenderState.raise("tojson: separators must be a pair of strings");
        }
        String indentText = switch (indent) {
            case null -> null;
            case Number n -> " ".repeat(Math.max(0, Math.min(n.intValue(), 64)));
            default -> indent.toString();
        };
        return new PyJson(Boolean.TRUE.equals(ensureAscii), indentText, itemSeparator, keySeparator,
                Boolean.TRUE.equals(sortKeys)).dumps(var);
    }

    private static Object argument(String name, Object[] args, Map<String, Object> kwargs) {
        if (kwargs != null && kwargs.containsKey(name)) {
            return kwargs.get(name);
        }
        for (int i = 0; i < POSITIONAL.length; i++) {
            if (POSITIONAL[i].equals(name)) {
                return args != null && i < args.length ? args[i] : null;
            }
        }
        return null;
    }
}
