package io.kvasir.engine.chat.internal;

import com.hubspot.jinjava.el.ext.AstMacroFunction;
import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import jinjava.de.odysseus.el.tree.Bindings;
import jinjava.de.odysseus.el.tree.impl.ast.AstParameters;
import jinjava.javax.el.ELContext;

/**
 * A function or macro call that charges the render's step budget for the call's overhead. A Jinjava macro call costs
 * ten times a rendered node at the top level and grows with the depth of nested scopes it runs in (each call copies
 * and searches the scope chain), so the charge grows with that depth too; without it a branching recursion could run
 * for minutes inside the node budget.
 */
final class ChargedFunctionCall extends AstMacroFunction {
    /** Steps charged per call and per enclosing scope, on top of the nodes the callee renders. */
    static final int CALL_COST_PER_SCOPE = 16;

    ChargedFunctionCall(String name, int index, AstParameters params, boolean varargs) {
        super(name, index, params, varargs);
    }

    @Override
    public Object eval(Bindings bindings, ELContext context) {
        JinjavaInterpreter interpreter = JinjavaInterpreter.getCurrent();
        RenderState state = interpreter == null ? null : RenderState.of(interpreter);
        if (state != null) {
            int numScopes = 0;
            for (Context scope = interpreter.getContext(); scope != null; scope = scope.getParent()) {
                numScopes++;
            }
            state.charge(CALL_COST_PER_SCOPE * numScopes);
        }
        return super.eval(bindings, context);
    }
}
