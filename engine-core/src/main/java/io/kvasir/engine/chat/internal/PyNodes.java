package io.kvasir.engine.chat.internal;

import com.hubspot.jinjava.el.ext.AstTuple;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jinjava.de.odysseus.el.tree.Bindings;
import jinjava.de.odysseus.el.tree.impl.ast.AstBracket;
import jinjava.de.odysseus.el.tree.impl.ast.AstDot;
import jinjava.de.odysseus.el.tree.impl.ast.AstLiteral;
import jinjava.de.odysseus.el.tree.impl.ast.AstMethod;
import jinjava.de.odysseus.el.tree.impl.ast.AstNode;
import jinjava.de.odysseus.el.tree.impl.ast.AstParameters;
import jinjava.de.odysseus.el.tree.impl.ast.AstProperty;
import jinjava.de.odysseus.el.tree.impl.ast.AstRightValue;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.MethodNotFoundException;
import jinjava.javax.el.PropertyNotFoundException;

/**
 * Expression-tree nodes with Jinja's behaviour: the {@code None} literal, and attribute, subscript and
 * method access that raise UndefinedError on an undefined base (each evaluates its base exactly once).
 */
final class PyNodes {

    private PyNodes() {
    }

    /** Access to the parts of a property node that JUEL keeps protected. */
    interface Property {
        AstNode base();

        /** The attribute name or subscript key. */
        Object key(Bindings bindings, ELContext context);
    }

    /** {@code none} / {@code None}. */
    static final class NoneLiteral extends AstLiteral {
        @Override
        public Object eval(Bindings bindings, ELContext context) {
            return PyNone.INSTANCE;
        }

        @Override
        public void appendStructure(StringBuilder builder, Bindings bindings) {
            builder.append("None");
        }

        @Override
        public String toString() {
            return "None";
        }
    }

    /** {@code (a, b)}: a {@link PyTuple}. */
    static final class Tuple extends AstTuple {
        Tuple(AstParameters items) {
            super(items);
        }

        @Override
        public Object eval(Bindings bindings, ELContext context) {
            Object value = super.eval(bindings, context);
            return value instanceof List<?> items ? PyTuple.of(items) : value;
        }
    }

    /** {@code base[start:stop:step]} with Python's slice semantics, for strings, lists and tuples. */
    static final class Slice extends AstRightValue {
        private final AstNode base;
        private final AstNode start;
        private final AstNode stop;
        private final AstNode step;

        Slice(AstNode base, AstNode start, AstNode stop, AstNode step) {
            this.base = base;
            this.start = start;
            this.stop = stop;
            this.step = step;
        }

        @Override
        public Object eval(Bindings bindings, ELContext context) {
            Object value = base.eval(bindings, context);
            if (value == null) {
                throw PyOperators.undefined(base, bindings, context);
            }
            long stepValue = bound(step, bindings, context, 1);
            if (stepValue == 0) {
                throw new JinjaRuntimeError("slice step cannot be zero");
            }
            boolean text = PyValues.isString(value);
            List<Object> items = text ? PyValues.toList(value) : value instanceof List<?> || value instanceof PyTuple
                    ? PyValues.toList(value) : null;
            if (items == null) {
                throw new JinjaRuntimeError("'" + PyValues.typeName(value) + "' object is not subscriptable");
            }
            int length = items.size();
            long defaultStart = stepValue > 0 ? 0 : length - 1;
            long defaultStop = stepValue > 0 ? length : -1;
            long from = adjust(bound(start, bindings, context, Long.MIN_VALUE), length, stepValue, defaultStart);
            long to = adjust(bound(stop, bindings, context, Long.MIN_VALUE), length, stepValue, defaultStop);
            List<Object> picked = new ArrayList<>();
            for (long i = from; stepValue > 0 ? i < to : i > to; i += stepValue) {
                picked.add(items.get((int) i));
            }
            if (text) {
                StringBuilder out = new StringBuilder();
                picked.forEach(out::append);
                return out.toString();
            }
            return value instanceof PyTuple ? PyTuple.of(picked) : picked;
        }

        private static long bound(AstNode node, Bindings bindings, ELContext context, long missing) {
            if (node == null) {
                return missing;
            }
            Object value = node.eval(bindings, context);
            if (value == null || value == PyNone.INSTANCE) {
                return missing;
            }
            if (!PyValues.isInt(value) && !(value instanceof Boolean)) {
                throw new JinjaRuntimeError("slice indices must be integers or None");
            }
            return PyValues.asNumber(value).longValue();
        }

        /** CPython's PySlice_AdjustIndices for one bound. */
        private static long adjust(long index, int length, long step, long fallback) {
            if (index == Long.MIN_VALUE) {
                return fallback;
            }
            if (index < 0) {
                index += length;
                if (index < 0) {
                    index = step < 0 ? -1 : 0;
                }
            } else if (index >= length) {
                index = step < 0 ? length - 1 : length;
            }
            return index;
        }

        @Override
        public void appendStructure(StringBuilder builder, Bindings bindings) {
            base.appendStructure(builder, bindings);
            builder.append("[:]");
        }

        @Override
        public String toString() {
            return "[:]";
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
    }

    /** {@code base.name}. */
    static final class Dot extends AstDot implements Property {
        Dot(AstNode base, String name, boolean lvalue) {
            super(base, name, lvalue);
        }

        String name() {
            return property;
        }

        @Override
        public AstNode base() {
            return prefix;
        }

        @Override
        public Object key(Bindings bindings, ELContext context) {
            return property;
        }

        @Override
        public Object eval(Bindings bindings, ELContext context) {
            Object base = prefix.eval(bindings, context);
            if (base != null) {
                switch (PyCallable.lookup(base, property)) {
                    case METHOD -> {
                        return new PyCallable(PyValues.typeName(base), property);
                    }
                    case UNSAFE -> {
                        return null;
                    }
                    case KEY -> {
                    }
                }
            }
            return resolve(this, base, property, bindings, context);
        }
    }

    /** {@code base[key]}. */
    static final class Bracket extends AstBracket implements Property {
        Bracket(AstNode base, AstNode key, boolean lvalue, boolean strict) {
            super(base, key, lvalue, strict);
        }

        @Override
        public AstNode base() {
            return prefix;
        }

        @Override
        public Object key(Bindings bindings, ELContext context) {
            return property.eval(bindings, context);
        }

        @Override
        public Object eval(Bindings bindings, ELContext context) {
            Object base = prefix.eval(bindings, context);
            if (base == null) {
                throw PyOperators.undefined(prefix, bindings, context);
            }
            Object key = getProperty(bindings, context);
            if (key == null && strict) {
                return null;
            }
            if (PyValues.isString(base)) {
                return characterAt(base.toString(), key);
            }
            if (base instanceof Map<?, ?> map && key instanceof String name && !map.containsKey(name)) {
                // Python's subscript falls back to attribute lookup, where dict's methods live.
                switch (PyCallable.lookup(base, name)) {
                    case METHOD -> {
                        return new PyCallable(PyValues.typeName(base), name);
                    }
                    case UNSAFE -> {
                        return null;
                    }
                    case KEY -> {
                    }
                }
            }
            return resolve(this, base, key, bindings, context);
        }
    }

    /** {@code s[i]}: one code point, negative indices from the end; out of range is undefined. */
    private static Object characterAt(String s, Object key) {
        if (!(key instanceof Number n) || !PyValues.isIntegral(n)) {
            return null;
        }
        int length = s.codePointCount(0, s.length());
        long index = n.longValue() < 0 ? n.longValue() + length : n.longValue();
        if (index < 0 || index >= length) {
            return null;
        }
        int at = s.offsetByCodePoints(0, (int) index);
        return new String(Character.toChars(s.codePointAt(at)));
    }

    private static Object resolve(AstProperty node, Object base, Object key, Bindings bindings, ELContext context) {
        if (base == null) {
            throw PyOperators.undefined(((Property) node).base(), bindings, context);
        }
        context.setPropertyResolved(false);
        Object value = context.getELResolver().getValue(context, base, key);
        if (!context.isPropertyResolved()) {
            throw new PropertyNotFoundException("'" + PyValues.typeName(base) + " object' has no attribute '" + key + "'");
        }
        return value;
    }

    /** {@code base.name(args)} and {@code base[key](args)}. */
    static final class Method extends AstMethod {
        private final AstProperty target;
        private final AstParameters params;

        Method(AstProperty target, AstParameters params) {
            super(target, params);
            this.target = target;
            this.params = params;
        }

        @Override
        protected Object eval(Bindings bindings, ELContext context, boolean answerNull) {
            if (!(target instanceof Property property)) {
                return super.eval(bindings, context, answerNull);
            }
            Object base = property.base().eval(bindings, context);
            if (base == null) {
                throw PyOperators.undefined(property.base(), bindings, context);
            }
            Object key = property.key(bindings, context);
            if (key == null) {
                throw new MethodNotFoundException("'" + PyValues.typeName(base) + " object' has no attribute None");
            }
            String name = bindings.convert(key, String.class);
            context.setPropertyResolved(false);
            Object result = context.getELResolver().invoke(context, base, name, null, params.eval(bindings, context));
            if (!context.isPropertyResolved()) {
                throw new MethodNotFoundException("'" + PyValues.typeName(base) + " object' has no attribute '" + name + "'");
            }
            return result;
        }
    }
}
