package io.kvasir.engine.chat.internal;

import com.hubspot.jinjava.el.ExtendedSyntaxBuilder;
import jinjava.de.odysseus.el.tree.impl.Parser;

/** Jinjava's expression tree builder with {@link PyExpressionParser} in place of its parser. */
public final class PySyntaxBuilder extends ExtendedSyntaxBuilder {
    private static final long serialVersionUID = 1L;

    /** Used by the expression factory, which instantiates builders reflectively. */
    public PySyntaxBuilder() {
        super();
    }

    /** Used by the expression factory, which instantiates builders reflectively. */
    public PySyntaxBuilder(Feature... features) {
        super(features);
    }

    @Override
    protected Parser createParser(String expression) {
        return new PyExpressionParser(this, expression);
    }
}
