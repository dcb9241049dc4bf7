package io.kvasir.engine.chat.internal;

import com.hubspot.jinjava.el.ExtendedSyntaxBuilder;
import com.hubspot.jinjava.el.ext.AstTuple;
import com.hubspot.jinjava.el.ext.CollectionMembershipOperator;
import com.hubspot.jinjava.el.ext.CollectionNonMembershipOperator;
import com.hubspot.jinjava.el.ext.ExtendedParser;
import com.hubspot.jinjava.el.ext.StringConcatOperator;
import com.hubspot.jinjava.el.ext.TruncDivOperator;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

import jinjava.de.odysseus.el.tree.impl.Builder;
import jinjava.de.odysseus.el.tree.impl.Parser;
import jinjava.de.odysseus.el.tree.impl.Scanner;
import jinjava.de.odysseus.el.tree.impl.Scanner.ScanException;
import jinjava.de.odysseus.el.tree.impl.Scanner.Symbol;
import jinjava.de.odysseus.el.tree.impl.Scanner.Token;
import jinjava.de.odysseus.el.tree.impl.ast.AstBinary;
import jinjava.de.odysseus.el.tree.impl.ast.AstBracket;
import jinjava.de.odysseus.el.tree.impl.ast.AstDot;
import jinjava.de.odysseus.el.tree.impl.ast.AstMethod;
import jinjava.de.odysseus.el.tree.impl.ast.AstNode;
import jinjava.de.odysseus.el.tree.impl.ast.AstParameters;
import jinjava.de.odysseus.el.tree.impl.ast.AstProperty;

/**
 * Jinjava's expression parser with Jinja's grammar where Jinjava departs from it.
 *
 * <ul>
 *   <li>{@code not} binds looser than comparisons and tests: {@code not x is defined} is
 *       {@code not (x is defined)}, {@code not a == b} is {@code not (a == b)}.</li>
 *   <li>{@code none}/{@code None} is Python's None, distinct from undefined.</li>
 *   <li>{@code + - * / // % == != and or not ~} follow Python ({@link PyOperators}).</li>
 *   <li>Attribute access, subscripts and method calls on an undefined value raise Jinja's
 *       UndefinedError instead of yielding null.</li>
 * </ul>
 *
 * <p>Precedence, loosest first: {@code if-else}, {@code or}, {@code and}, {@code not}, comparisons and
 * {@code in}, {@code + - ~}, {@code * / // %}, {@code **}, filters and tests (applied to the unary
 * expression before them, so {@code -x|abs} is {@code (-x)|abs}), then attribute, subscript, slice and call
 * postfixes. (Jinjava's own parser reads its precedence mode from the current interpreter; the levels
 * overridden here do not.)
 */
final class PyParser extends ExtendedParser {

    PyParser(Builder context, String input) {
        super(context, input);
        putExtensionHandler(StringConcatOperator.TOKEN, new ExtensionHandler(ExtensionPoint.ADD) {
            @Override
            public AstNode createAstNode(AstNode... children) {
                return createAstBinary(children[0], children[1], PyOperators.CONCAT);
            }
        });
        putExtensionHandler(CollectionMembershipOperator.TOKEN, new ExtensionHandler(ExtensionPoint.CMP) {
            @Override
            public AstNode createAstNode(AstNode... children) {
                return createAstBinary(children[0], children[1], PyOperators.IN);
            }
        });
        putExtensionHandler(CollectionNonMembershipOperator.TOKEN, new ExtensionHandler(ExtensionPoint.CMP) {
            @Override
            public AstNode createAstNode(AstNode... children) {
                return createAstBinary(children[0], children[1], PyOperators.NOT_IN);
            }
        });
        putExtensionHandler(TruncDivOperator.TOKEN, new ExtensionHandler(ExtensionPoint.MUL) {
            @Override
            public AstNode createAstNode(AstNode... children) {
                return createAstBinary(children[0], children[1], PyOperators.FLOOR_DIV);
            }
        });
    }

    @Override
    protected AstNode or(boolean required) throws ScanException, ParseException {
        AstNode v = and(required);
        if (v == null) {
            return null;
        }
        while (true) {
            Token token = getToken();
            if (token.getSymbol() == Symbol.OR) {
                consumeToken();
                v = createAstBinary(v, and(true), PyOperators.OR);
            } else if (token.getSymbol() == Symbol.EXTENSION
                    && getExtensionHandler(token).getExtensionPoint() == ExtensionPoint.OR) {
                v = getExtensionHandler(consumeToken()).createAstNode(v, and(true));
            } else {
                return v;
            }
        }
    }

    @Override
    protected AstNode and(boolean required) throws ScanException, ParseException {
        AstNode v = not(required);
        if (v == null) {
            return null;
        }
        while (true) {
            Token token = getToken();
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

    /** Jinja's {@code not} level, between {@code and} and the comparisons. */
    private AstNode not(boolean required) throws ScanException, ParseException {
        if (getToken().getSymbol() == Symbol.NOT) {
            consumeToken();
            return createAstUnary(not(true), PyOperators.NOT);
        }
        return eq(required);
    }

    /** Equality shares one level with the other comparisons, as in Python. */
    @Override
    protected AstNode eq(boolean required) throws ScanException, ParseException {
        return cmp(required);
    }

    /**
     * Comparisons, chained as in Python: {@code a < b <= c} is {@code a < b and b <= c} (the middle operand
     * is evaluated twice, which only matters for expressions with side effects; templates have none).
     */
    @Override
    protected AstNode cmp(boolean required) throws ScanException, ParseException {
        AstNode left = add(required);
        if (left == null) {
            return null;
        }
        AstNode chain = null;
        while (true) {
            Token token = getToken();
            AstBinary.Operator op = switch (token.getSymbol()) {
                case LT -> PyOperators.LT;
                case LE -> PyOperators.LE;
                case GT -> PyOperators.GT;
                case GE -> PyOperators.GE;
                case EQ -> PyOperators.EQ;
                case NE -> PyOperators.NE;
                default -> null;
            };
            AstNode right;
            AstNode comparison;
            if (op != null) {
                consumeToken();
                right = add(true);
                comparison = createAstBinary(left, right, op);
            } else if (token.getSymbol() == Symbol.EXTENSION
                    && getExtensionHandler(token).getExtensionPoint() == ExtensionPoint.CMP) {
                ExtensionHandler handler = getExtensionHandler(consumeToken());
                right = add(true);
                comparison = handler.createAstNode(left, right);
            } else if ("not".equals(token.getImage()) && "in".equals(lookahead(0).getImage())) {
                consumeToken();
                consumeToken();
                right = add(true);
                comparison = createAstBinary(left, right, PyOperators.NOT_IN);
            } else {
                return chain != null ? chain : left;
            }
            chain = chain == null ? comparison : createAstBinary(chain, comparison, PyOperators.AND);
            left = right;
        }
    }

    @Override
    protected AstNode add(boolean required) throws ScanException, ParseException {
        AstNode v = mul(required);
        if (v == null) {
            return null;
        }
        while (true) {
            Token token = getToken();
            if (token.getSymbol() == Symbol.PLUS) {
                consumeToken();
                v = createAstBinary(v, mul(true), PyOperators.ADD);
            } else if (token.getSymbol() == Symbol.MINUS) {
                consumeToken();
                v = createAstBinary(v, mul(true), PyOperators.SUB);
            } else if (token.getSymbol() == Symbol.EXTENSION
                    && getExtensionHandler(token).getExtensionPoint() == ExtensionPoint.ADD) {
                v = getExtensionHandler(consumeToken()).createAstNode(v, mul(true));
            } else {
                return v;
            }
        }
    }

    @Override
    protected AstNode mul(boolean required) throws ScanException, ParseException {
        AstNode v = pow(required);
        if (v == null) {
            return null;
        }
        while (true) {
            Token token = getToken();
            switch (token.getSymbol()) {
                case MUL -> {
                    consumeToken();
                    v = createAstBinary(v, pow(true), PyOperators.MUL);
                }
                case DIV -> {
                    consumeToken();
                    v = createAstBinary(v, pow(true), PyOperators.DIV);
                }
                case MOD -> {
                    consumeToken();
                    v = createAstBinary(v, pow(true), PyOperators.MOD);
                }
                case EXTENSION -> {
                    if (getExtensionHandler(token).getExtensionPoint() != ExtensionPoint.MUL) {
                        return v;
                    }
                    v = getExtensionHandler(consumeToken()).createAstNode(v, pow(true));
                }
                default -> {
                    return v;
                }
            }
        }
    }

    /** Jinja's {@code **}: above the multiplicative operators, left-associative, below unary minus. */
    private AstNode pow(boolean required) throws ScanException, ParseException {
        AstNode v = filter(required);
        if (v == null) {
            return null;
        }
        while (getToken().getSymbol() == Symbol.EXTENSION && "**".equals(getToken().getImage())) {
            consumeToken();
            v = createAstBinary(v, filter(true), PyOperators.POW);
        }
        return v;
    }

    @Override
    protected AstNode unary(boolean required) throws ScanException, ParseException {
        if (getToken().getSymbol() == Symbol.NOT) {
            consumeToken();
            return createAstUnary(unary(true), PyOperators.NOT);
        }
        if (getToken().getSymbol() == Symbol.PLUS) {
            consumeToken();
            return createAstUnary(unary(true), PyOperators.POS);
        }
        if (getToken().getSymbol() == Symbol.MINUS) {
            consumeToken();
            return createAstUnary(unary(true), PyOperators.NEG);
        }
        return super.unary(required);
    }

    @Override
    protected Number parseInteger(String digits) throws ParseException {
        BigInteger value = new BigInteger(digits);
        return value.bitLength() < 64 ? (Number) value.longValue() : value;
    }

    /**
     * Values with their postfixes: {@code .name}, {@code .name(args)}, {@code [key]}, {@code [key](args)} and
     * Python slices {@code [start:stop:step]} (Jinjava's own parser has no step).
     */
    @Override
    protected AstNode value() throws ScanException, ParseException {
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
            if (symbol == Symbol.DOT) {
                consumeToken();
                String name = consumeToken(Symbol.IDENTIFIER).getImage();
                AstDot dot = createAstDot(v, name, lvalue);
                v = getToken().getSymbol() == Symbol.LPAREN ? createAstMethod(dot, params()) : dot;
            } else if (symbol == Symbol.LBRACK) {
                v = subscript(v, lvalue);
            } else {
                return v;
            }
        }
    }

    private AstNode subscript(AstNode base, boolean lvalue) throws ScanException, ParseException {
        consumeToken(Symbol.LBRACK);
        AstNode start = getToken().getSymbol() == Symbol.COLON ? null : expr(true);
        if (getToken().getSymbol() != Symbol.COLON) {
            consumeToken(Symbol.RBRACK);
            AstBracket bracket = createAstBracket(base, start, lvalue, true);
            return getToken().getSymbol() == Symbol.LPAREN ? createAstMethod(bracket, params()) : bracket;
        }
        consumeToken(Symbol.COLON);
        AstNode stop = null;
        AstNode step = null;
        if (getToken().getSymbol() != Symbol.COLON && getToken().getSymbol() != Symbol.RBRACK) {
            stop = expr(true);
        }
        if (getToken().getSymbol() == Symbol.COLON) {
            consumeToken();
            if (getToken().getSymbol() != Symbol.RBRACK) {
                step = expr(true);
            }
        }
        consumeToken(Symbol.RBRACK);
        return new PyNodes.Slice(base, start, stop, step);
    }

    /** Argument, list and tuple items, allowing Python's trailing comma ({@code (1,)}, {@code [a, b,]}). */
    @Override
    protected AstParameters params(Symbol left, Symbol right) throws ScanException, ParseException {
        consumeToken(left);
        List<AstNode> items = new ArrayList<>();
        AstNode item = expr(false);
        if (item != null) {
            items.add(item);
            while (getToken().getSymbol() == Symbol.COMMA) {
                consumeToken();
                if (getToken().getSymbol() == right) {
                    break;
                }
                items.add(expr(true));
            }
        }
        consumeToken(right);
        return createAstParameters(items);
    }

    @Override
    protected AstNode nonliteral() throws ScanException, ParseException {
        Token token = getToken();
        if (token.getSymbol() == Symbol.LPAREN && lookahead(0).getSymbol() == Symbol.RPAREN) {
            return createAstTuple(params());
        }
        if (token.getSymbol() == Symbol.IDENTIFIER
                && ("none".equals(token.getImage()) || "None".equals(token.getImage()))) {
            Symbol next = lookahead(0).getSymbol();
            if (next != Symbol.LPAREN && next != Symbol.COLON) {
                consumeToken();
                return new PyNodes.NoneLiteral();
            }
        }
        return super.nonliteral();
    }

    @Override
    protected Scanner createScanner(String expression) {
        return new PyScanner(expression);
    }

    @Override
    protected AstDot createAstDot(AstNode prefix, String name, boolean lvalue) {
        return new PyNodes.Dot(prefix, name, lvalue);
    }

    @Override
    protected AstBracket createAstBracket(AstNode base, AstNode property, boolean lvalue, boolean strict) {
        return new PyNodes.Bracket(base, property, lvalue, strict);
    }

    @Override
    protected AstTuple createAstTuple(AstParameters parameters) throws ScanException, ParseException {
        return new PyNodes.Tuple(parameters);
    }

    @Override
    protected AstMethod createAstMethod(AstProperty property, AstParameters params) {
        return new PyNodes.Method(property, params);
    }

    /** The tree builder Jinjava's expression factory is configured with. */
    static final class SyntaxBuilder extends ExtendedSyntaxBuilder {
        private static final long serialVersionUID = 1L;

        SyntaxBuilder(Builder.Feature... features) {
            super(features);
        }

        @Override
        protected Parser createParser(String expression) {
            return new PyParser(this, expression);
        }
    }
}
