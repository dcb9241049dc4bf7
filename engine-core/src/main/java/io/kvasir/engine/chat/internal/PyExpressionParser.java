package io.kvasir.engine.chat.internal;

import com.hubspot.jinjava.el.ext.AbsOperator;
import com.hubspot.jinjava.el.ext.ExtendedParser;
import com.hubspot.jinjava.el.ext.NamedParameterOperator;
import com.hubspot.jinjava.el.ext.StringConcatOperator;
import java.util.ArrayList;
import java.util.List;
import jinjava.de.odysseus.el.tree.impl.Builder;
import jinjava.de.odysseus.el.tree.impl.Scanner;
import jinjava.de.odysseus.el.tree.impl.Scanner.Symbol;
import jinjava.de.odysseus.el.tree.impl.ast.AstBinary;
import jinjava.de.odysseus.el.tree.impl.ast.AstBracket;
import jinjava.de.odysseus.el.tree.impl.ast.AstDot;
import jinjava.de.odysseus.el.tree.impl.ast.AstFunction;
import jinjava.de.odysseus.el.tree.impl.ast.AstIdentifier;
import jinjava.de.odysseus.el.tree.impl.ast.AstParameters;
import jinjava.de.odysseus.el.tree.impl.ast.AstNode;
import jinjava.de.odysseus.el.tree.impl.ast.AstUnary;

/**
 * Jinjava's expression parser with Jinja2's grammar where the two differ in ways chat templates notice.
 *
 * <ul>
 *   <li>{@code not} binds looser than comparisons and tests, as in Jinja2 ({@code not x is defined} is
 *       {@code not (x is defined)}, {@code not a == b} is {@code not (a == b)}); Jinjava binds it like unary minus.
 *   <li>{@code +}, {@code *} and {@code ~} follow Python and Jinja2 ({@link PyOperators}): adding an undefined
 *       variable raises {@code 'x' is undefined} instead of concatenating the text {@code null}, strings and lists
 *       repeat, and {@code ~} joins Python's {@code str()} of each side.
 *   <li>Looking up an attribute or item of an undefined variable raises {@code 'x' is undefined}, as in Jinja2
 *       ({@link DefinedIdentifier}); Jinjava gives null.
 *   <li>{@code 1+2} without spaces is addition (Jinjava rejects it, reading {@code +2} as a unary operator).
 *   <li>A keyword argument's value extends to the next comma ({@code namespace(n=items|length - 1)}), and a test
 *       may follow filters ({@code items | length is even}).
 *   <li>Slices take Python's optional step ({@code messages[::-1]}) and work on strings ({@link PySlice}).
 * </ul>
 */
final class PyExpressionParser extends ExtendedParser {

    PyExpressionParser(Builder context, String input) {
        super(context, input);
    }

    @Override
    protected AstNode and(boolean required) throws Scanner.ScanException, ParseException {
        AstNode v = not(required);
        if (v == null) {
            return null;
        }
        while (true) {
            Scanner.Token token = getToken();
            if (token.getSymbol() == Symbol.AND) {
                consumeToken();
                v = createAstBinary(v, not(true), PyOperators.AND);
            } else if (token.getSymbol() == Symbol.EXTENSION
                    && getExtensionHandler(token).getExtensionPoint() == ExtensionPoint.AND) {
                v = getExtensionHandler(consumeToken()).createAstNode(v, not(true));
            } else {
                return v;
            }
        }
    }

    private AstNode not(boolean required) throws Scanner.ScanException, ParseException {
        if (getToken().getSymbol() == Symbol.NOT) {
            consumeToken();
            return createAstUnary(not(true), AstUnary.NOT);
        }
        return eq(required);
    }

    /**
     * Postfix operators after a value: attribute access, method calls, subscripts and Python slices with an optional
     * step ({@code [a:b:c]}, which Jinjava's parser rejects). Filters and tests are parsed a level up, as Jinjava
     * does under natural operator precedence.
     */
    @Override
    protected AstNode value() throws Scanner.ScanException, ParseException {
        boolean lvalue = true;
        AstNode v = nonliteral();
        if (v == null) {
            v = literal();
            if (v == null) {
                return null;
            }
            lvalue = false;
        }
        while (true) {
            Symbol symbol = getToken().getSymbol();
            if ((symbol == Symbol.DOT || symbol == Symbol.LBRACK) && v instanceof AstIdentifier identifier) {
                v = new DefinedIdentifier(identifier);
            }
            if (symbol == Symbol.DOT) {
                consumeToken();
                String name = consumeToken(Symbol.IDENTIFIER).getImage();
                AstDot dot = createAstDot(v, name, lvalue);
                v = getToken().getSymbol() == Symbol.LPAREN && context.isEnabled(Builder.Feature.METHOD_INVOCATIONS)
                        ? createAstMethod(dot, params())
                        : dot;
            } else if (symbol == Symbol.LBRACK) {
                consumeToken();
                AstNode first = getToken().getSymbol() == Symbol.COLON ? null : expr(true);
                if (getToken().getSymbol() == Symbol.COLON) {
                    consumeToken();
                    AstNode stop = sliceBound();
                    AstNode step = null;
                    if (getToken().getSymbol() == Symbol.COLON) {
                        consumeToken();
                        step = sliceBound();
                    }
                    consumeToken(Symbol.RBRACK);
                    v = new PySlice(v, first, stop, step);
                } else {
                    consumeToken(Symbol.RBRACK);
                    AstBracket bracket = createAstBracket(v, first, lvalue,
                            !context.isEnabled(Builder.Feature.NULL_PROPERTIES));
                    v = getToken().getSymbol() == Symbol.LPAREN
                            && context.isEnabled(Builder.Feature.METHOD_INVOCATIONS)
                            ? createAstMethod(bracket, params())
                            : bracket;
                }
            } else {
                return v;
            }
        }
    }

    private AstNode sliceBound() throws Scanner.ScanException, ParseException {
        Symbol symbol = getToken().getSymbol();
        return symbol == Symbol.COLON || symbol == Symbol.RBRACK ? null : expr(true);
    }

    /** Filters, then a test on the filtered value ({@code x | length is even}), which Jinjava's parser rejects. */
    @Override
    protected AstNode filter(boolean required) throws Scanner.ScanException, ParseException {
        AstNode v = super.filter(required);
        if (v == null || !"is".equals(getToken().getImage())) {
            return v;
        }
        boolean negated = "not".equals(lookahead(0).getImage());
        Scanner.Token name = lookahead(negated ? 1 : 0);
        if (!isTestName(name)) {
            return v;
        }
        consumeToken();
        if (negated) {
            consumeToken();
        }
        consumeToken();
        List<AstNode> testParams = new ArrayList<>();
        testParams.add(v);
        testParams.add(interpreter());
        AstNode argument = value();
        if (argument != null) {
            testParams.add(argument);
        }
        AstDot test = createAstDot(identifier(EXPTEST_PREFIX + name.getImage()),
                negated ? "evaluateNegated" : "evaluate", true);
        return createAstMethod(test, createAstParameters(testParams));
    }

    private static boolean isTestName(Scanner.Token token) {
        return switch (token.getSymbol()) {
            case IDENTIFIER, TRUE, FALSE, EQ, NE, LT, LE, GT, GE -> true;
            default -> "in".equals(token.getImage());
        };
    }

    @Override
    protected AstFunction createAstFunction(String name, int index, AstParameters params) {
        return new ChargedFunctionCall(name, index, params, context.isEnabled(Builder.Feature.VARARGS));
    }

    @Override
    protected AstBinary createAstBinary(AstNode left, AstNode right, AstBinary.Operator operator) {
        AstBinary.Operator python = operator;
        if (operator == AstBinary.MUL) {
            python = PyOperators.MUL;
        } else if (operator == AstBinary.MOD) {
            python = PyOperators.MOD;
        }
        return super.createAstBinary(left, right, python);
    }

    @Override
    protected AstNode add(boolean required) throws Scanner.ScanException, ParseException {
        AstNode v = concat(required);
        if (v == null) {
            return null;
        }
        while (true) {
            Scanner.Token token = getToken();
            // Jinjava's scanner reads '+' before a digit ("1+2") as its unary absolute-value token; after an
            // operand it can only be addition.
            if (token.getSymbol() == Symbol.PLUS || token == AbsOperator.TOKEN) {
                consumeToken();
                v = createAstBinary(v, concat(true), PyOperators.ADD);
            } else if (token.getSymbol() == Symbol.MINUS) {
                consumeToken();
                v = createAstBinary(v, concat(true), AstBinary.SUB);
            } else if (token == NamedParameterOperator.TOKEN) {
                // A keyword argument's value is a whole expression (f(n=a|length - 1)); Jinjava binds '=' like '+'.
                v = getExtensionHandler(consumeToken()).createAstNode(v, expr(true));
            } else if (token.getSymbol() == Symbol.EXTENSION && token != StringConcatOperator.TOKEN
                    && getExtensionHandler(token).getExtensionPoint() == ExtensionPoint.ADD) {
                v = getExtensionHandler(consumeToken()).createAstNode(v, concat(true));
            } else {
                return v;
            }
        }
    }

    /** Jinja2's {@code ~} binds tighter than {@code +} and {@code -} and looser than {@code *}. */
    private AstNode concat(boolean required) throws Scanner.ScanException, ParseException {
        AstNode v = mul(required);
        if (v == null) {
            return null;
        }
        while (getToken() == StringConcatOperator.TOKEN) {
            consumeToken();
            v = createAstBinary(v, mul(true), PyOperators.CONCAT);
        }
        return v;
    }

}
