package io.kvasir.engine.chat.internal;

import com.hubspot.jinjava.objects.SafeString;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import jinjava.de.odysseus.el.tree.Bindings;
import jinjava.de.odysseus.el.tree.impl.ast.AstNode;
import jinjava.de.odysseus.el.tree.impl.ast.AstRightValue;
import jinjava.javax.el.ELContext;

/**
 * Python's slice {@code seq[start:stop:step]} of a list or string, any part optional and negative indices counted
 * from the end ({@code messages[1:]}, {@code messages[::-1]}, {@code text[-3:]}).
 */
final class PySlice extends AstRightValue {
    private final AstNode base;
    private final AstNode start;
    private final AstNode stop;
    private final AstNode step;

    PySlice(AstNode base, AstNode start, AstNode stop, AstNode step) {
        this.base = base;
        this.start = start;
        this.stop = stop;
        this.step = step;
    }

    @Override
    public Object eval(Bindings bindings, ELContext context) {
        Object sequence = base.eval(bindings, context);
        if (sequence == null) {
            return null;
        }
        long stepValue = index(bindings, context, step, 1);
        if (stepValue == 0) {
            throw RenderState.raise("slice step cannot be zero");
        }
        if (sequence instanceof String || sequence instanceof SafeString) {
            String text = sequence.toString();
            StringBuilder out = new StringBuilder();
            for (int i : indices(text.length(), bindings, context, stepValue)) {
                out.append(text.charAt(i));
            }
            return out.toString();
        }
        List<?> items = switch (sequence) {
            case List<?> list -> list;
            case Object[] array -> Arrays.asList(array);
            case Iterable<?> iterable -> {
                List<Object> copy = new ArrayList<>();
                iterable.forEach(copy::add);
                yield copy;
            }
            default -> throw RenderState.raise("'" + PyTypes.name(sequence) + "' object is not subscriptable");
        };
        List<Object> out = new ArrayList<>();
        for (int i : indices(items.size(), bindings, context, stepValue)) {
            out.add(items.get(i));
        }
        return out;
    }

    private int[] indices(int length, Bindings bindings, ELContext context, long stepValue) {
        long lower = stepValue > 0 ? 0 : -1;
        long upper = stepValue > 0 ? length : length - 1L;
        long from = bound(bindings, context, start, stepValue > 0 ? lower : upper, length, lower, upper);
        long to = bound(bindings, context, stop, stepValue > 0 ? upper : lower, length, lower, upper);
        long count = stepValue > 0 ? Math.max(0, (to - from + stepValue - 1) / stepValue)
                : Math.max(0, (from - to - stepValue - 1) / -stepValue);
        int[] result = new int[(int) count];
        for (int n = 0; n < count; n++) {
            result[n] = (int) (from + n * stepValue);
        }
        return result;
    }

    /** Python's {@code slice.indices}: a given index is clamped to [lower, upper], a missing one is the default. */
    private static long bound(Bindings bindings, ELContext context, AstNode node, long absent, int length, long lower,
            long upper) {
        Object value = node == null ? null : node.eval(bindings, context);
        if (value == null) {
            return absent;
        }
        long index = integer(value);
        if (index < 0) {
            return Math.max(index + length, lower);
        }
        return Math.min(index, upper);
    }

    private static long index(Bindings bindings, ELContext context, AstNode node, long absent) {
        Object value = node == null ? null : node.eval(bindings, context);
        return value == null ? absent : integer(value);
    }

    private static long integer(Object value) {
        if (value instanceof Number n && !(value instanceof Double) && !(value instanceof Float)) {
            return n.longValue();
        }
        throw RenderState.raise("slice indices must be integers or None");
    }

    @Override
    public void appendStructure(StringBuilder builder, Bindings bindings) {
        base.appendStructure(builder, bindings);
        builder.append('[');
        appendPart(builder, bindings, start);
        builder.append(':');
        appendPart(builder, bindings, stop);
        builder.append(':');
        appendPart(builder, bindings, step);
        builder.append(']');
    }

    private static void appendPart(StringBuilder builder, Bindings bindings, AstNode part) {
        if (part != null) {
            part.appendStructure(builder, bindings);
        }
    }

    @Override
    public int getCardinality() {
        return 4;
    }

    @Override
    public AstNode getChild(int i) {
        return switch (i) {
            case 0 -> base;
            case 1 -> start;
            case 2 -> stop;
            case 3 -> step;
            default -> null;
        };
    }

    @Override
    public String toString() {
        return "[::]";
    }
}
