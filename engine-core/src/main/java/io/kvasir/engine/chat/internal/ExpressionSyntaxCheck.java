package io.kvasir.engine.chat.internal;

import com.hubspot.jinjava.el.ext.ExtendedParser;
import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.lib.tag.ForTag;
import com.hubspot.jinjava.tree.ExpressionNode;
import com.hubspot.jinjava.tree.Node;
import com.hubspot.jinjava.tree.TagNode;
import com.hubspot.jinjava.tree.parse.ExpressionToken;
import com.hubspot.jinjava.tree.parse.TagToken;
import io.kvasir.engine.chat.ChatTemplateException;
import jinjava.de.odysseus.el.tree.IdentifierNode;
import jinjava.de.odysseus.el.tree.Tree;
import jinjava.de.odysseus.el.tree.TreeBuilder;
import jinjava.de.odysseus.el.tree.TreeBuilderException;

/**
 * Parses every expression of a template tree once, at compile time: Jinjava parses expressions lazily while
 * rendering, which would let a broken template load and fail only on the first request that reaches the bad line.
 *
 * <p>Covers {@code {{ ... }}}, the conditions of {@code if}/{@code elif}, the iterable and filter of {@code for},
 * the value of {@code set x = ...} and filter sections; other tags' arguments are checked when they render. Every
 * filter and test named must exist, as Jinja2 checks when it compiles.
 */
final class ExpressionSyntaxCheck {
    private static final ForTag FOR_TAG = new ForTag();

    private final TreeBuilder builder;

    ExpressionSyntaxCheck(TreeBuilder builder) {
        this.builder = builder;
    }

    /** Checks every expression under {@code root}; filters and tests must exist in {@code context}. */
    void check(Node root, Context context) {
        for (Node child : root.getChildren()) {
            checkNode(child, context);
            check(child, context);
        }
    }

    private void checkNode(Node node, Context context) {
        if (node instanceof ExpressionNode && node.getMaster() instanceof ExpressionToken token) {
            parse(token.getExpr(), node, context);
        } else if (node instanceof TagNode tag && tag.getMaster() instanceof TagToken token) {
            switch (tag.getName()) {
                case "if", "elif" -> parse(tag.getHelpers(), node, context);
                case "filter" -> parse("x | " + tag.getHelpers().strip(), node, context);
                case "for" -> {
                    String expression = FOR_TAG.getLoopVarsAndExpression(token).getRight();
                    String[] iterableAndCondition = BudgetedForTag.splitLoopFilter(expression);
                    if (iterableAndCondition == null) {
                        parse(expression, node, context);
                    } else {
                        parse(iterableAndCondition[0], node, context);
                        parse(iterableAndCondition[1], node, context);
                    }
                }
                case "set" -> {
                    int assignment = assignmentIndex(tag.getHelpers());
                    // Several targets (a, b = 1, 2) take a value list Jinjava splits itself.
                    if (assignment >= 0 && tag.getHelpers().lastIndexOf(',', assignment) < 0) {
                        parse(tag.getHelpers().substring(assignment + 1), node, context);
                    }
                }
                default -> {
                    // Checked when rendered.
                }
            }
        }
    }

    private void parse(String expression, Node node, Context context) {
        if (expression == null || expression.isBlank()) {
            throw error(node, "missing expression", null);
        }
        Tree tree;
        try {
            tree = builder.build("#{" + expression.strip() + "}");
        } catch (TreeBuilderException e) {
            throw error(node, e.getMessage(), e);
        }
        for (IdentifierNode identifier : tree.getIdentifierNodes()) {
            String name = identifier.getName();
            if (name.startsWith(ExtendedParser.FILTER_PREFIX)) {
                String filter = name.substring(ExtendedParser.FILTER_PREFIX.length());
                if (context.getFilter(filter) == null) {
                    throw error(node, "No filter named '" + filter + "'.", null);
                }
            } else if (name.startsWith(ExtendedParser.EXPTEST_PREFIX)) {
                String test = name.substring(ExtendedParser.EXPTEST_PREFIX.length());
                if (context.getExpTest(test) == null) {
                    throw error(node, "No test named '" + test + "'.", null);
                }
            }
        }
    }

    private static ChatTemplateException error(Node node, String problem, Throwable cause) {
        return new ChatTemplateException("chat template syntax error at line " + node.getLineNumber() + " in "
                + node.getMaster().getImage().strip() + ": " + problem, cause);
    }

    /** Index of the {@code =} of {@code set target = value}, skipping comparisons and quoted text; -1 if none. */
    static int assignmentIndex(String helpers) {
        char quote = 0;
        for (int i = 0; i < helpers.length(); i++) {
            char c = helpers.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '=') {
                boolean comparison = i + 1 < helpers.length() && helpers.charAt(i + 1) == '='
                        || i > 0 && "=!<>".indexOf(helpers.charAt(i - 1)) >= 0;
                if (!comparison) {
                    return i;
                }
                i++;
            }
        }
        return -1;
    }
}
