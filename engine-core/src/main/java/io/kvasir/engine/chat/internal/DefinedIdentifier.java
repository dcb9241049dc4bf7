package io.kvasir.engine.chat.internal;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import jinjava.de.odysseus.el.tree.Bindings;
import jinjava.de.odysseus.el.tree.impl.ast.AstIdentifier;
import jinjava.de.odysseus.el.tree.impl.ast.AstNode;
import jinjava.de.odysseus.el.tree.impl.ast.AstRightValue;
import jinjava.javax.el.ELContext;

/**
 * A variable used as the base of an attribute or item lookup ({@code x.y}, {@code x['y']}, {@code x.f()}): when the
 * variable is undefined the lookup raises Jinja2's {@code 'x' is undefined} rather than yielding null. A defined
 * variable holding None, or a missing attribute of a defined one, is left to the lookup.
 */
final class DefinedIdentifier extends AstRightValue {
    private final AstIdentifier identifier;

    DefinedIdentifier(AstIdentifier identifier) {
        this.identifier = identifier;
    }

    @Override
    public Object eval(Bindings bindings, ELContext context) {
        Object value = identifier.eval(bindings, context);
        if (value == null && !isDefined(identifier.getName())) {
            throw RenderState.raise("'" + identifier.getName() + "' is undefined");
        }
        return value;
    }

    static boolean isDefined(String name) {
        if (name.equals("none") || name.equals("None")) {
            return true;
        }
        JinjavaInterpreter interpreter = JinjavaInterpreter.getCurrent();
        return interpreter == null || interpreter.getContext().containsKey(name);
    }

    @Override
    public void appendStructure(StringBuilder builder, Bindings bindings) {
        identifier.appendStructure(builder, bindings);
    }

    @Override
    public int getCardinality() {
        return 1;
    }

    @Override
    public AstNode getChild(int i) {
        return i == 0 ? identifier : null;
    }

    @Override
    public String toString() {
        return identifier.toString();
    }
}
