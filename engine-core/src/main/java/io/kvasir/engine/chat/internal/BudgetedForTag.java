package io.kvasir.engine.chat.internal;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.tag.ForTag;
import com.hubspot.jinjava.tree.TagNode;
import com.hubspot.jinjava.tree.parse.TagToken;
import com.hubspot.jinjava.util.ForLoop;
import java.util.AbstractCollection;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.lang3.tuple.Pair;

/**
 * Jinjava's {@code for} tag with two things Jinja2 has.
 *
 * <ul>
 *   <li>Loop filtering, {@code {% for m in messages if m.role == 'user' %}}: Jinjava would read the condition as a
 *       conditional expression and loop over nothing. The items are filtered first, so {@code loop.index} and
 *       {@code loop.length} count the kept items, as in Jinja2.
 *   <li>Each iteration starts with a fresh scope: variables set in the body do not carry over to the next one.
 *   <li>{@code loop.previtem} and {@code loop.nextitem} ({@link PyLoop}).
 *   <li>Every iteration is charged to the render's step budget ({@link RenderState}), so nested loops with empty
 *       bodies, which render no nodes, are bounded too.
 * </ul>
 */
final class BudgetedForTag extends ForTag {
    private static final long serialVersionUID = 1L;

    @Override
    public Pair<List<String>, String> getLoopVarsAndExpression(TagToken tagToken) {
        Pair<List<String>, String> varsAndExpression = super.getLoopVarsAndExpression(tagToken);
        String[] iterableAndCondition = splitLoopFilter(varsAndExpression.getRight());
        return iterableAndCondition == null ? varsAndExpression
                : Pair.of(varsAndExpression.getLeft(), iterableAndCondition[0]);
    }

    @Override
    public String renderForCollection(TagNode tagNode, JinjavaInterpreter interpreter, List<String> loopVars,
            Object collection) {
        Object items = collection;
        String[] iterableAndCondition = tagNode.getMaster() instanceof TagToken token
                ? splitLoopFilter(super.getLoopVarsAndExpression(token).getRight())
                : null;
        if (iterableAndCondition != null) {
            items = filter(collection, loopVars, iterableAndCondition[1], tagNode, interpreter);
        }
        RenderState state = RenderState.of(interpreter);
        return super.renderForCollection(tagNode, interpreter, loopVars,
                state == null ? items : charged(items, state, interpreter));
    }

    /**
     * Splits {@code items if condition} at its top-level {@code if} (outside brackets and quotes) into the iterable
     * and the condition; null without a filter. Jinja2 allows no conditional expression in a loop's iterable, so a
     * top-level {@code if} is always a filter.
     */
    static String[] splitLoopFilter(String expression) {
        if (expression == null) {
            return null;
        }
        int depth = 0;
        char quote = 0;
        for (int i = 0; i < expression.length(); i++) {
            char c = expression.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if (c == ')' || c == ']' || c == '}') {
                depth--;
            } else if (depth == 0 && expression.startsWith("if", i) && isWordBoundary(expression, i - 1)
                    && isWordBoundary(expression, i + 2)) {
                return new String[] {expression.substring(0, i).strip(), expression.substring(i + 2).strip()};
            }
        }
        return null;
    }

    private static boolean isWordBoundary(String s, int i) {
        return i < 0 || i >= s.length() || Character.isWhitespace(s.charAt(i));
    }

    private static List<Object> filter(Object collection, List<String> loopVars, String condition, TagNode tagNode,
            JinjavaInterpreter interpreter) {
        List<Object> kept = new ArrayList<>();
        RenderState state = RenderState.of(interpreter);
        for (Object item : iterate(collection, interpreter)) {
            if (state != null) {
                state.charge();
            }
            try (var scope = interpreter.enterScope()) {
                bindLoopVars(loopVars, item, interpreter);
                if (PyTruth.isTrue(interpreter.resolveELExpression(condition, tagNode.getLineNumber()))) {
                    kept.add(item);
                }
            }
        }
        return kept;
    }

    private static Iterable<?> iterate(Object collection, JinjavaInterpreter interpreter) {
        return switch (collection) {
            case null -> List.of();
            case Map<?, ?> map when interpreter.getConfig().getLegacyOverrides().isIterateOverMapKeys() ->
                    map.keySet();
            case Map<?, ?> map -> map.values();
            case Iterable<?> items -> items;
            case Object[] items -> Arrays.asList(items);
            default -> List.of(collection);
        };
    }

    private static void bindLoopVars(List<String> loopVars, Object item, JinjavaInterpreter interpreter) {
        if (loopVars.size() == 1) {
            interpreter.getContext().put(loopVars.get(0), item);
            return;
        }
        List<?> values = switch (item) {
            case Map.Entry<?, ?> entry -> Arrays.asList(entry.getKey(), entry.getValue());
            case List<?> list -> list;
            case Object[] array -> Arrays.asList(array);
            default -> List.of();
        };
        for (int i = 0; i < loopVars.size(); i++) {
            interpreter.getContext().put(loopVars.get(i), i < values.size() ? values.get(i) : null);
        }
    }

    private static Object charged(Object collection, RenderState state, JinjavaInterpreter interpreter) {
        return switch (collection) {
            case Map<?, ?> map when interpreter.getConfig().getLegacyOverrides().isIterateOverMapKeys() ->
                    new ChargedCollection<>(map.keySet(), state, interpreter);
            case Map<?, ?> map -> new ChargedCollection<>(map.values(), state, interpreter);
            case Collection<?> items -> new ChargedCollection<>(items, state, interpreter);
            case Object[] items -> new ChargedCollection<>(Arrays.asList(items), state, interpreter);
            case Iterable<?> items -> new ChargedIterator<Object>(items.iterator(), state, interpreter);
            case Iterator<?> items -> new ChargedIterator<>(items, state, interpreter);
            case null, default -> collection;
        };
    }

    /** A read-only view whose iterator charges a step per element. */
    private static final class ChargedCollection<T> extends AbstractCollection<T> {
        private final Collection<T> items;
        private final RenderState state;
        private final JinjavaInterpreter interpreter;

        ChargedCollection(Collection<T> items, RenderState state, JinjavaInterpreter interpreter) {
            this.items = items;
            this.state = state;
            this.interpreter = interpreter;
        }

        @Override
        public Iterator<T> iterator() {
            return new ChargedIterator<>(items.iterator(), state, interpreter);
        }

        @Override
        public int size() {
            return items.size();
        }
    }

    /**
     * Charges a step per element, gives each iteration a fresh scope as Jinja2 does (a variable set in one iteration
     * is gone in the next) and keeps {@code loop.previtem}/{@code loop.nextitem} current. The loop's scope is
     * entered before the first element is taken, so what it holds then ({@code loop}) is kept and everything set
     * later is dropped when the next element is taken. One element is read ahead for {@code nextitem}.
     */
    private static final class ChargedIterator<T> implements Iterator<T> {
        private final Iterator<? extends T> items;
        private final RenderState state;
        private final JinjavaInterpreter interpreter;
        private Set<String> loopScopeKeys;
        private PyLoop loop;
        private T previous;
        private T upcoming;
        private boolean hasUpcoming;

        ChargedIterator(Iterator<? extends T> items, RenderState state, JinjavaInterpreter interpreter) {
            this.items = items;
            this.state = state;
            this.interpreter = interpreter;
        }

        @Override
        public boolean hasNext() {
            return hasUpcoming || items.hasNext();
        }

        @Override
        public T next() {
            state.charge();
            Map<String, Object> scope = interpreter.getContext().getScope();
            if (loopScopeKeys == null) {
                loopScopeKeys = new HashSet<>(scope.keySet());
            } else {
                scope.keySet().retainAll(loopScopeKeys);
            }
            T current = hasUpcoming ? upcoming : items.next();
            hasUpcoming = items.hasNext();
            upcoming = hasUpcoming ? items.next() : null;
            if (loop == null && scope.get(ForTag.LOOP) instanceof ForLoop forLoop) {
                loop = new PyLoop(forLoop);
                scope.put(ForTag.LOOP, loop);
            }
            if (loop != null) {
                loop.startIteration(previous, upcoming);
            }
            previous = current;
            return current;
        }
    }
}
