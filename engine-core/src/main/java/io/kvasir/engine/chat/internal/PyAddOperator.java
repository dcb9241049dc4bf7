package io.kvasir.engine.chat.internal;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
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
 * Python's {@code +}: strings concatenate with strings, lists with lists, numbers add; anything else is the
 * {@code TypeError} Python raises, and an undefined variable is Jinja2's {@code 'name' is undefined}.
 */
final class PyAddOperator implements AstBinary.Operator {
    static final PyAddOperator INSTANCE = new PyAddOperator();

    private PyAddOperator() {}

    @Override
    public Object eval(Bindings bindings, ELContext context, AstNode left, AstNode right) {
        Object a = left.eval(bindings, context);
        checkDefined(a, left);
        Object b = right.eval(bindings, context);
        checkDefined(b, right);
        if (isString(a) && isString(b)) {
            return a.toString().concat(b.toString());
        }
        if (a instanceof Collection<?> x && b instanceof Collection<?> y) {
            List<Object> joined = new ArrayList<>(x.size() + y.size());
            joined.addAll(x);
            joined.addAll(y);
            return joined;
        }
        if (isNumber(a) && isNumber(b)) {
            return NumberOperations.add(bindings, a, b);
        }
        if (isString(a)) {
            throw RenderState.raise("can only concatenate str (not \"" + PyTypes.name(b) + "\") to str");
        }
        if (a instanceof Collection<?>) {
            throw RenderState.raise("can only concatenate list (not \"" + PyTypes.name(b) + "\") to list");
        }
        throw RenderState.raise("unsupported operand type(s) for +: '" + PyTypes.name(a) + "' and '"
                + PyTypes.name(b) + "'");
    }

    private static void checkDefined(Object value, AstNode node) {
        if (value == null && node instanceof AstIdentifier identifier) {
            JinjavaInterpreter interpreter = JinjavaInterpreter.getCurrent();
            if (interpreter != null && !interpreter.getContext().containsKey(identifier.getName())) {
                throw RenderState.raise("'" + identifier.getName() + "' is undefined");
            }
        }
    }

    private static boolean isString(Object value) {
        return value instanceof String || value instanceof SafeString;
    }

    private static boolean isNumber(Object value) {
        return value instanceof Number || value instanceof Boolean;
    }

    @Override
    public String toString() {
        return "+";
    }
}
