package io.kvasir.engine.chat.internal;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.objects.SafeString;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;

import jinjava.de.odysseus.el.tree.Bindings;
import jinjava.de.odysseus.el.tree.impl.ast.AstBinary;
import jinjava.de.odysseus.el.tree.impl.ast.AstIdentifier;
import jinjava.de.odysseus.el.tree.impl.ast.AstNested;
import jinjava.de.odysseus.el.tree.impl.ast.AstNode;
import jinjava.de.odysseus.el.tree.impl.ast.AstUnary;
import jinjava.javax.el.ELContext;

/**
 * Python's operators for the expression tree: the result types, short-circuit values of {@code and}/
 * {@code or}, and the TypeError/UndefinedError messages Python and Jinja give.
 */
final class PyOperators {

    private PyOperators() {
    }

    /** A named binary operator; the name appears in the expression's structural id. */
    private abstract static class Binary implements AstBinary.Operator {
        private final String symbol;

        Binary(String symbol) {
            this.symbol = symbol;
        }

        @Override
        public String toString() {
            return symbol;
        }
    }

    /** A binary operator of two evaluated operands that rejects undefined ones as Jinja does. */
    private abstract static class Strict extends Binary {
        Strict(String symbol) {
            super(symbol);
        }

        @Override
        public final Object eval(Bindings bindings, ELContext context, AstNode left, AstNode right) {
            Object a = left.eval(bindings, context);
            if (a == null) {
                throw undefined(left, bindings, context);
            }
            Object b = right.eval(bindings, context);
            if (b == null) {
                throw undefined(right, bindings, context);
            }
            return apply(a, b);
        }

        abstract Object apply(Object a, Object b);

        JinjaRuntimeError unsupported(Object a, Object b) {
            return new JinjaRuntimeError("unsupported operand type(s) for " + this + ": '" + PyValues.typeName(a)
                    + "' and '" + PyValues.typeName(b) + "'");
        }
    }

    static final AstBinary.Operator ADD = new Strict("+") {
        @Override
        Object apply(Object a, Object b) {
            return add(a, b);
        }
    };

    /** Python's {@code a + b} on defined operands. */
    static Object add(Object a, Object b) {
        if (PyValues.isNumeric(a) && PyValues.isNumeric(b)) {
            Number x = PyValues.asNumber(a);
            Number y = PyValues.asNumber(b);
            if (PyValues.isIntegral(x) && PyValues.isIntegral(y)) {
                return PyValues.normalizeInt(PyValues.toBigInteger(x).add(PyValues.toBigInteger(y)));
            }
            return x.doubleValue() + y.doubleValue();
        }
        if (PyValues.isString(a)) {
            if (!PyValues.isString(b)) {
                throw new JinjaRuntimeError("can only concatenate str (not \"" + PyValues.typeName(b) + "\") to str");
            }
            if (a instanceof SafeString || b instanceof SafeString) {
                // Markup + str escapes the plain side, as markupsafe does even without autoescaping.
                String left = a instanceof SafeString ? a.toString() : escapeHtml(a.toString());
                String right = b instanceof SafeString ? b.toString() : escapeHtml(b.toString());
                return new SafeString(checkedString(left, right));
            }
            return checkedString(a.toString(), b.toString());
        }
        if (a instanceof List<?> la && !(a instanceof Map.Entry<?, ?>)) {
            if (!(b instanceof List<?> lb)) {
                throw new JinjaRuntimeError("can only concatenate list (not \"" + PyValues.typeName(b) + "\") to list");
            }
            if ((a instanceof PyTuple) != (b instanceof PyTuple)) {
                throw new JinjaRuntimeError("can only concatenate " + PyValues.typeName(a) + " (not \""
                        + PyValues.typeName(b) + "\") to " + PyValues.typeName(a));
            }
            checkListSize((long) la.size() + lb.size());
            List<Object> joined = new ArrayList<>(la.size() + lb.size());
            joined.addAll(la);
            joined.addAll(lb);
            return a instanceof PyTuple ? PyTuple.of(joined) : joined;
        }
        throw new JinjaRuntimeError("unsupported operand type(s) for +: '" + PyValues.typeName(a)
                + "' and '" + PyValues.typeName(b) + "'");
    }

    static final AstBinary.Operator SUB = new Strict("-") {
        @Override
        Object apply(Object a, Object b) {
            if (!PyValues.isNumeric(a) || !PyValues.isNumeric(b)) {
                throw unsupported(a, b);
            }
            Number x = PyValues.asNumber(a);
            Number y = PyValues.asNumber(b);
            if (PyValues.isIntegral(x) && PyValues.isIntegral(y)) {
                return PyValues.normalizeInt(PyValues.toBigInteger(x).subtract(PyValues.toBigInteger(y)));
            }
            return x.doubleValue() - y.doubleValue();
        }
    };

    static final AstBinary.Operator MUL = new Strict("*") {
        @Override
        Object apply(Object a, Object b) {
            if (PyValues.isNumeric(a) && PyValues.isNumeric(b)) {
                Number x = PyValues.asNumber(a);
                Number y = PyValues.asNumber(b);
                if (PyValues.isIntegral(x) && PyValues.isIntegral(y)) {
                    return PyValues.normalizeInt(PyValues.toBigInteger(x).multiply(PyValues.toBigInteger(y)));
                }
                return x.doubleValue() * y.doubleValue();
            }
            if (isRepeatCount(b) && (PyValues.isString(a) || a instanceof List<?>)) {
                return repeat(a, ((Number) PyValues.asNumber(b)).longValue());
            }
            if (isRepeatCount(a) && (PyValues.isString(b) || b instanceof List<?>)) {
                return repeat(b, ((Number) PyValues.asNumber(a)).longValue());
            }
            if (PyValues.isString(a) || PyValues.isString(b) || a instanceof List<?> || b instanceof List<?>) {
                Object other = PyValues.isString(a) || a instanceof List<?> ? b : a;
                throw new JinjaRuntimeError("can't multiply sequence by non-int of type '" + PyValues.typeName(other) + "'");
            }
            throw unsupported(a, b);
        }
    };

    private static boolean isRepeatCount(Object value) {
        return value instanceof Boolean || PyValues.isInt(value);
    }

    private static Object repeat(Object sequence, long times) {
        if (times <= 0) {
            return PyValues.isString(sequence) ? "" : sequence instanceof PyTuple ? PyTuple.of() : new ArrayList<>();
        }
        if (PyValues.isString(sequence)) {
            String s = sequence.toString();
            checkLength((long) s.length() * times);
            return s.repeat((int) times);
        }
        List<?> items = (List<?>) sequence;
        checkListSize((long) items.size() * times);
        List<Object> out = new ArrayList<>();
        for (long i = 0; i < times; i++) {
            out.addAll(items);
        }
        return sequence instanceof PyTuple ? PyTuple.of(out) : out;
    }

    static final AstBinary.Operator DIV = new Strict("/") {
        @Override
        Object apply(Object a, Object b) {
            if (!PyValues.isNumeric(a) || !PyValues.isNumeric(b)) {
                throw unsupported(a, b);
            }
            double y = PyValues.asNumber(b).doubleValue();
            if (y == 0.0) {
                throw new JinjaRuntimeError("division by zero");
            }
            return PyValues.asNumber(a).doubleValue() / y;
        }
    };

    static final AstBinary.Operator FLOOR_DIV = new Strict("//") {
        @Override
        Object apply(Object a, Object b) {
            if (!PyValues.isNumeric(a) || !PyValues.isNumeric(b)) {
                throw unsupported(a, b);
            }
            Number x = PyValues.asNumber(a);
            Number y = PyValues.asNumber(b);
            if (PyValues.isIntegral(x) && PyValues.isIntegral(y)) {
                BigInteger divisor = PyValues.toBigInteger(y);
                if (divisor.signum() == 0) {
                    throw new JinjaRuntimeError("integer division or modulo by zero");
                }
                BigInteger[] qr = PyValues.toBigInteger(x).divideAndRemainder(divisor);
                BigInteger q = qr[1].signum() != 0 && qr[1].signum() != divisor.signum() ? qr[0].subtract(BigInteger.ONE) : qr[0];
                return PyValues.normalizeInt(q);
            }
            if (y.doubleValue() == 0.0) {
                throw new JinjaRuntimeError("float floor division by zero");
            }
            return Math.floor(x.doubleValue() / y.doubleValue());
        }
    };

    static final AstBinary.Operator MOD = new Strict("%") {
        @Override
        Object apply(Object a, Object b) {
            if (!PyValues.isNumeric(a) || !PyValues.isNumeric(b)) {
                throw unsupported(a, b);
            }
            Number x = PyValues.asNumber(a);
            Number y = PyValues.asNumber(b);
            if (PyValues.isIntegral(x) && PyValues.isIntegral(y)) {
                BigInteger divisor = PyValues.toBigInteger(y);
                if (divisor.signum() == 0) {
                    throw new JinjaRuntimeError("integer division or modulo by zero");
                }
                BigInteger r = PyValues.toBigInteger(x).mod(divisor.abs());
                return PyValues.normalizeInt(divisor.signum() < 0 && r.signum() != 0 ? r.add(divisor) : r);
            }
            double d = y.doubleValue();
            if (d == 0.0) {
                throw new JinjaRuntimeError("float modulo");
            }
            double r = x.doubleValue() % d;
            if (r == 0) {
                // Python gives zero the divisor's sign.
                return Math.copySign(0.0, d);
            }
            return (r < 0) != (d < 0) ? r + d : r;
        }
    };

    static final AstBinary.Operator POW = new Strict("**") {
        @Override
        Object apply(Object a, Object b) {
            if (!PyValues.isNumeric(a) || !PyValues.isNumeric(b)) {
                throw unsupported(a, b);
            }
            Number x = PyValues.asNumber(a);
            Number y = PyValues.asNumber(b);
            if (PyValues.isIntegral(x) && PyValues.isIntegral(y) && y.longValue() >= 0) {
                BigInteger base = PyValues.toBigInteger(x);
                long exponent = y.longValue();
                if (base.bitLength() > 1 && (double) base.bitLength() * exponent > MAX_INT_BITS) {
                    throw new JinjaRuntimeError("integer result of ** exceeds " + MAX_INT_BITS + " bits");
                }
                return PyValues.normalizeInt(base.pow((int) Math.min(exponent, Integer.MAX_VALUE)));
            }
            if (x.doubleValue() == 0.0 && y.doubleValue() < 0) {
                throw new JinjaRuntimeError("0.0 cannot be raised to a negative power");
            }
            return Math.pow(x.doubleValue(), y.doubleValue());
        }
    };

    private static final int MAX_INT_BITS = 1 << 16;

    private static final class Comparison extends Strict {
        private final IntPredicate accept;

        Comparison(String symbol, IntPredicate accept) {
            super(symbol);
            this.accept = accept;
        }

        @Override
        Object apply(Object a, Object b) {
            if (!(PyValues.isNumeric(a) && PyValues.isNumeric(b)) && !(PyValues.isString(a) && PyValues.isString(b))
                    && !(PyValues.isList(a) && PyValues.isList(b))) {
                throw new JinjaRuntimeError("'" + this + "' not supported between instances of '" + PyValues.typeName(a)
                        + "' and '" + PyValues.typeName(b) + "'");
            }
            return accept.test(PyValues.compare(a, b));
        }
    }

    static final AstBinary.Operator LT = new Comparison("<", c -> c < 0);
    static final AstBinary.Operator LE = new Comparison("<=", c -> c <= 0);
    static final AstBinary.Operator GT = new Comparison(">", c -> c > 0);
    static final AstBinary.Operator GE = new Comparison(">=", c -> c >= 0);

    static final AstBinary.Operator EQ = new Binary("==") {
        @Override
        public Object eval(Bindings bindings, ELContext context, AstNode left, AstNode right) {
            return PyValues.eq(left.eval(bindings, context), right.eval(bindings, context));
        }
    };

    static final AstBinary.Operator NE = new Binary("!=") {
        @Override
        public Object eval(Bindings bindings, ELContext context, AstNode left, AstNode right) {
            return !PyValues.eq(left.eval(bindings, context), right.eval(bindings, context));
        }
    };

    /** Python's {@code and}: the first falsy operand, else the last. */
    static final AstBinary.Operator AND = new Binary("and") {
        @Override
        public Object eval(Bindings bindings, ELContext context, AstNode left, AstNode right) {
            Object a = left.eval(bindings, context);
            return PyValues.truthy(a) ? right.eval(bindings, context) : a;
        }
    };

    /** Python's {@code or}: the first truthy operand, else the last. */
    static final AstBinary.Operator OR = new Binary("or") {
        @Override
        public Object eval(Bindings bindings, ELContext context, AstNode left, AstNode right) {
            Object a = left.eval(bindings, context);
            return PyValues.truthy(a) ? a : right.eval(bindings, context);
        }
    };

    /** Jinja's {@code ~}: both sides through {@code str()}, undefined as the empty string. */
    static final AstBinary.Operator CONCAT = new Binary("~") {
        @Override
        public Object eval(Bindings bindings, ELContext context, AstNode left, AstNode right) {
            return checkedString(PyValues.str(left.eval(bindings, context)), PyValues.str(right.eval(bindings, context)));
        }
    };

    /** Python's {@code x in y}; undefined contains nothing. */
    static final AstBinary.Operator IN = new Binary("in") {
        @Override
        public Object eval(Bindings bindings, ELContext context, AstNode left, AstNode right) {
            return contains(right.eval(bindings, context), left.eval(bindings, context));
        }
    };

    static final AstBinary.Operator NOT_IN = new Binary("not in") {
        @Override
        public Object eval(Bindings bindings, ELContext context, AstNode left, AstNode right) {
            return !contains(right.eval(bindings, context), left.eval(bindings, context));
        }
    };

    static boolean contains(Object container, Object item) {
        if (container == null) {
            return false;
        }
        if (PyValues.isString(container)) {
            if (!PyValues.isString(item)) {
                throw new JinjaRuntimeError("'in <string>' requires string as left operand, not " + PyValues.typeName(item));
            }
            return container.toString().contains(item.toString());
        }
        if (container instanceof Map<?, ?> map) {
            if (map.containsKey(item)) {
                return true;
            }
            for (Object key : map.keySet()) {
                if (PyValues.eq(key, item)) {
                    return true;
                }
            }
            return false;
        }
        if (container instanceof Iterable<?> || container instanceof Map.Entry<?, ?> || container.getClass().isArray()) {
            for (Object candidate : PyValues.toList(container)) {
                if (PyValues.eq(candidate, item)) {
                    return true;
                }
            }
            return false;
        }
        throw new JinjaRuntimeError("argument of type '" + PyValues.typeName(container) + "' is not iterable");
    }

    /** Unary {@code +} and {@code -}: numbers only ({@code True} counts as 1). */
    private static final class Sign implements AstUnary.Operator {
        private final boolean negate;

        Sign(boolean negate) {
            this.negate = negate;
        }

        @Override
        public Object eval(Bindings bindings, ELContext context, AstNode node) {
            Object value = node.eval(bindings, context);
            if (value == null) {
                throw undefined(node, bindings, context);
            }
            if (!PyValues.isNumeric(value)) {
                throw new JinjaRuntimeError("bad operand type for unary " + this + ": '" + PyValues.typeName(value) + "'");
            }
            Number n = PyValues.asNumber(value);
            if (!negate) {
                return n;
            }
            return PyValues.isIntegral(n) ? PyValues.normalizeInt(PyValues.toBigInteger(n).negate()) : -n.doubleValue();
        }

        @Override
        public String toString() {
            return negate ? "-" : "+";
        }
    }

    static final AstUnary.Operator POS = new Sign(false);
    static final AstUnary.Operator NEG = new Sign(true);

    static final AstUnary.Operator NOT = new AstUnary.Operator() {
        @Override
        public Object eval(Bindings bindings, ELContext context, AstNode node) {
            return !PyValues.truthy(node.eval(bindings, context));
        }

        @Override
        public String toString() {
            return "not";
        }
    };

    /** markupsafe's {@code escape}. */
    static String escapeHtml(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '\'' -> out.append("&#39;");
                case '"' -> out.append("&#34;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    private static String checkedString(String a, String b) {
        checkLength((long) a.length() + b.length());
        return a + b;
    }

    private static void checkLength(long length) {
        JinjavaInterpreter interpreter = JinjavaInterpreter.getCurrent();
        long max = interpreter == null ? 0 : interpreter.getConfig().getMaxStringLength();
        if (length > Integer.MAX_VALUE - 16 || (max > 0 && length > max)) {
            throw new JinjaRuntimeError("string of " + length + " characters exceeds the limit of " + max);
        }
    }

    private static void checkListSize(long size) {
        JinjavaInterpreter interpreter = JinjavaInterpreter.getCurrent();
        long max = interpreter == null ? Integer.MAX_VALUE : interpreter.getConfig().getMaxListSize();
        if (size > max) {
            throw new JinjaRuntimeError("list of " + size + " items exceeds the limit of " + max);
        }
    }

    /**
     * Jinja's UndefinedError for an expression that evaluated to undefined:
     * {@code 'x' is undefined}, {@code 'dict object' has no attribute 'y'},
     * {@code 'list object' has no element 3}.
     */
    static JinjaRuntimeError undefined(AstNode node, Bindings bindings, ELContext context) {
        if (node instanceof AstNested nested) {
            return undefined(nested.getChild(0), bindings, context);
        }
        if (node instanceof AstIdentifier identifier) {
            String name = identifier.getName();
            if (name.startsWith("filter:")) {
                return new JinjaRuntimeError("No filter named '" + name.substring("filter:".length()) + "'.");
            }
            if (name.startsWith("exptest:")) {
                return new JinjaRuntimeError("No test named '" + name.substring("exptest:".length()) + "'.");
            }
            return new JinjaRuntimeError("'" + name + "' is undefined");
        }
        if (node instanceof PyNodes.Property property) {
            Object base = property.base().eval(bindings, context);
            if (base == null) {
                return undefined(property.base(), bindings, context);
            }
            Object key = property.key(bindings, context);
            String owner = base == PyNone.INSTANCE ? "None" : PyValues.typeName(base) + " object";
            if (PyValues.isString(key)) {
                return new JinjaRuntimeError(PyValues.repr(owner) + " has no attribute " + PyValues.repr(key));
            }
            return new JinjaRuntimeError(owner + " has no element " + PyValues.repr(key));
        }
        return new JinjaRuntimeError("'" + node + "' is undefined");
    }
}
