package io.kvasir.engine.chat.internal;

import com.hubspot.jinjava.objects.SafeString;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import jinjava.de.odysseus.el.misc.NumberOperations;
import jinjava.de.odysseus.el.tree.Bindings;
import jinjava.de.odysseus.el.tree.impl.ast.AstBinary;
import jinjava.de.odysseus.el.tree.impl.ast.AstIdentifier;
import jinjava.de.odysseus.el.tree.impl.ast.AstNode;
import jinjava.javax.el.ELContext;

/**
 * Python's {@code +} and {@code *} and Jinja2's {@code ~}, where Jinjava's differ in what templates can observe.
 *
 * <ul>
 *   <li>{@code +}: strings with strings, lists with lists, numbers with numbers; anything else is the
 *       {@code TypeError} Python raises, and an undefined variable is Jinja2's {@code 'name' is undefined}.
 *   <li>{@code *}: a string or list times an integer repeats it; numbers multiply as in Jinjava.
 *   <li>{@code %}: Python's floored modulo ({@code -7 % 3 == 2}) and {@code '%s'}-style formatting of strings.
 *   <li>{@code and}: the first falsy operand or else the last, as Python returns it (Jinjava returns a boolean).
 *   <li>{@code ~}: Python's {@code str()} of both sides ({@code True}, not {@code true}).
 * </ul>
 * Stateless and thread-safe.
 */
final class PyOperators {
    private static final int MAX_REPEATED_LENGTH = 1 << 24;

    static final AstBinary.Operator ADD = new AstBinary.Operator() {
        @Override
        public Object eval(Bindings bindings, ELContext context, AstNode left, AstNode right) {
            return add(bindings, operand(bindings, context, left), operand(bindings, context, right));
        }

        @Override
        public String toString() {
            return "+";
        }
    };

    static final AstBinary.Operator MUL = new AstBinary.Operator() {
        @Override
        public Object eval(Bindings bindings, ELContext context, AstNode left, AstNode right) {
            return multiply(bindings, operand(bindings, context, left), operand(bindings, context, right));
        }

        @Override
        public String toString() {
            return "*";
        }
    };

    static final AstBinary.Operator MOD = new AstBinary.Operator() {
        @Override
        public Object eval(Bindings bindings, ELContext context, AstNode left, AstNode right) {
            return modulo(operand(bindings, context, left), operand(bindings, context, right));
        }

        @Override
        public String toString() {
            return "%";
        }
    };

    static final AstBinary.Operator AND = new AstBinary.Operator() {
        @Override
        public Object eval(Bindings bindings, ELContext context, AstNode left, AstNode right) {
            Object first = left.eval(bindings, context);
            return PyTruth.isTrue(first) ? right.eval(bindings, context) : first;
        }

        @Override
        public String toString() {
            return "and";
        }
    };

    static final AstBinary.Operator CONCAT = new AstBinary.Operator() {
        @Override
        public Object eval(Bindings bindings, ELContext context, AstNode left, AstNode right) {
            return PyValues.str(left.eval(bindings, context)).concat(PyValues.str(right.eval(bindings, context)));
        }

        @Override
        public String toString() {
            return "~";
        }
    };

    private PyOperators() {}

    private static Object operand(Bindings bindings, ELContext context, AstNode node) {
        Object value = node.eval(bindings, context);
        if (value == null && node instanceof AstIdentifier identifier
                && !DefinedIdentifier.isDefined(identifier.getName())) {
            throw RenderState.raise("'" + identifier.getName() + "' is undefined");
        }
        return value;
    }

    private static Object add(Bindings bindings, Object a, Object b) {
        if (isString(a) && isString(b)) {
            return a.toString().concat(b.toString());
        }
        if (a instanceof Collection<?> x && b instanceof Collection<?> y) {
            List<Object> joined = new ArrayList<>(x.size() + y.size());
            joined.addAll(x);
            joined.addAll(y);
            return joined;
        }
        if (a instanceof Number && b instanceof Number) {
            return NumberOperations.add(bindings, a, b);
        }
        if (isString(a) || a instanceof Collection<?>) {
            String type = isString(a) ? "str" : "list";
            throw RenderState.raise("can only concatenate " + type + " (not \"" + PyTypes.name(b) + "\") to " + type);
        }
        throw RenderState.raise("unsupported operand type(s) for +: '" + PyTypes.name(a) + "' and '"
                + PyTypes.name(b) + "'");
    }

    private static Object multiply(Bindings bindings, Object a, Object b) {
        if (a instanceof Number && b instanceof Number) {
            return NumberOperations.mul(bindings, a, b);
        }
        if (isInteger(b) && (isString(a) || a instanceof Collection<?>)) {
            return repeat(a, ((Number) b).longValue());
        }
        if (isInteger(a) && (isString(b) || b instanceof Collection<?>)) {
            return repeat(b, ((Number) a).longValue());
        }
        throw RenderState.raise("unsupported operand type(s) for *: '" + PyTypes.name(a) + "' and '"
                + PyTypes.name(b) + "'");
    }

    private static Object modulo(Object a, Object b) {
        if (isString(a)) {
            return PyPercentFormat.format(a.toString(), b);
        }
        if (isInteger(a) && isInteger(b)) {
            long divisor = ((Number) b).longValue();
            if (divisor == 0) {
                throw RenderState.raise("integer modulo by zero");
            }
            return Math.floorMod(((Number) a).longValue(), divisor);
        }
        if (a instanceof Number x && b instanceof Number y) {
            double divisor = y.doubleValue();
            if (divisor == 0) {
                throw RenderState.raise("float modulo");
            }
            double dividend = x.doubleValue();
            return dividend - divisor * Math.floor(dividend / divisor);
        }
        throw RenderState.raise("unsupported operand type(s) for %: '" + PyTypes.name(a) + "' and '"
                + PyTypes.name(b) + "'");
    }

    private static Object repeat(Object sequence, long times) {
        long count = Math.max(0, times);
        if (sequence instanceof Collection<?> items) {
            checkRepeatedLength(items.size(), count);
            List<Object> repeated = new ArrayList<>((int) (items.size() * count));
            for (long i = 0; i < count; i++) {
                repeated.addAll(items);
            }
            return repeated;
        }
        String text = sequence.toString();
        checkRepeatedLength(text.length(), count);
        return text.repeat((int) count);
    }

    private static void checkRepeatedLength(long length, long count) {
        if (count > 0 && length > MAX_REPEATED_LENGTH / count) {
            throw RenderState.raise("repetition result too large: " + length + " * " + count);
        }
    }

    private static boolean isString(Object value) {
        return value instanceof String || value instanceof SafeString;
    }

    private static boolean isInteger(Object value) {
        return value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte;
    }
}
