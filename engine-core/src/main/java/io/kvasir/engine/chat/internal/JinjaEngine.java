package io.kvasir.engine.chat.internal;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.ContextConfigurationIF.ErrorHandlingStrategyIF.TemplateErrorTypeHandlingStrategy;
import com.hubspot.jinjava.interpret.ErrorHandlingStrategy;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.exptest.ExpTest;
import com.hubspot.jinjava.lib.filter.Filter;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import com.hubspot.jinjava.lib.tag.Tag;
import com.hubspot.jinjava.tree.ExpressionNode;
import com.hubspot.jinjava.tree.Node;
import com.hubspot.jinjava.tree.TagNode;
import com.hubspot.jinjava.tree.parse.ExpressionToken;

import io.kvasir.engine.chat.ChatTemplateException;

import java.io.IOException;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jinjava.de.odysseus.el.ExpressionFactoryImpl;
import jinjava.de.odysseus.el.tree.IdentifierNode;
import jinjava.de.odysseus.el.tree.Tree;
import jinjava.de.odysseus.el.tree.TreeBuilderException;
import jinjava.de.odysseus.el.tree.TreeStore;
import jinjava.de.odysseus.el.tree.impl.Builder;
import jinjava.de.odysseus.el.tree.impl.Cache;
import jinjava.javax.el.CompositeELResolver;
import jinjava.javax.el.ExpressionFactory;

/**
 * Jinjava configured as Hugging Face transformers configures Jinja2 for chat templates:
 * {@code trim_blocks}, {@code lstrip_blocks}, loop controls, {@code raise_exception}, a {@code tojson}
 * without ASCII escaping, no {@code strftime_now}, and Python semantics for values, operators, methods,
 * filters and tests (the {@code Py*} classes).
 *
 * <p>Limits, so that no template or message can hang or exhaust a render: {@link #MAX_OUTPUT_CHARS} of
 * output and per string, {@link #MAX_COLLECTION_SIZE} items per list or dict, {@link PyFunctions#MAX_RANGE} for
 * {@code range()}, {@link #MAX_MACRO_DEPTH} nested macro calls and {@link #MAX_NUM_NODES} steps (rendered
 * nodes and loop iterations).
 * Templates cannot include, import or extend other templates.
 *
 * <p>Thread-safe: the engine and compiled templates are shared; every render gets its own context and
 * interpreter.
 */
public final class JinjaEngine {

    /** Most characters a render may output, and the longest string an expression may build. */
    public static final long MAX_OUTPUT_CHARS = 16L << 20;
    /** Most items in one list or dict a template builds. */
    public static final int MAX_COLLECTION_SIZE = 100_000;
    /** Deepest macro recursion. */
    public static final int MAX_MACRO_DEPTH = 100;
    /** Most steps (rendered nodes and loop iterations) one render may take; bounds loops over loops. */
    public static final long MAX_NUM_NODES = 5_000_000;

    /** Bounds Jinjava's re-rendering of its own output, which is off here (no nested interpretation). */
    private static final int MAX_RENDER_DEPTH = 10;
    private static final int NUM_CACHED_EXPRESSIONS = 4096;

    private static final ErrorHandlingStrategy ABORT_ON_FATAL = ErrorHandlingStrategy.builder()
            .setFatalErrorStrategy(TemplateErrorTypeHandlingStrategy.THROW_EXCEPTION)
            .setNonFatalErrorStrategy(TemplateErrorTypeHandlingStrategy.IGNORE)
            .build();

    private static final JinjaEngine SHARED = new JinjaEngine(MAX_NUM_NODES);

    private final long maxNumNodes;
    private final JinjavaConfig config;
    private final Builder expressionBuilder;
    private final Jinjava jinjava;

    /** An engine with another step budget; templates are shared through {@link #shared()} otherwise. */
    JinjaEngine(long maxNumNodes) {
        this.maxNumNodes = maxNumNodes;
        CompositeELResolver resolver = new CompositeELResolver();
        resolver.add(new PyMethodResolver());
        resolver.add(JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_ONLY);
        config = JinjavaConfig.newBuilder()
                // JinjaLexer applies trim_blocks, lstrip_blocks and the -/+ modifiers before Jinjava parses.
                .withTrimBlocks(false)
                .withLstripBlocks(false)
                .withLegacyOverrides(LegacyOverrides.newBuilder()
                        // Otherwise "{{ -1 }}" reads as whitespace control.
                        .withParseWhitespaceControlStrictly(true)
                        .withUseNaturalOperatorPrecedence(true)
                        .withUsePyishObjectMapper(true)
                        .withEvaluateMapKeys(true)
                        .withIterateOverMapKeys(true)
                        .withAllowAdjacentTextNodes(true)
                        .build())
                .withNestedInterpretationEnabled(false)
                .withFailOnUnknownTokens(false)
                .withMaxOutputSize(MAX_OUTPUT_CHARS)
                .withMaxStringLength(MAX_OUTPUT_CHARS)
                .withMaxListSize(MAX_COLLECTION_SIZE)
                .withMaxMapSize(MAX_COLLECTION_SIZE)
                .withRangeLimit(PyFunctions.MAX_RANGE)
                .withMaxRenderDepth(MAX_RENDER_DEPTH)
                .withEnableRecursiveMacroCalls(true)
                .withMaxMacroRecursionDepth(MAX_MACRO_DEPTH)
                .withElResolver(resolver)
                .withNodePreProcessor((node, interpreter) -> {
                    if (interpreter instanceof PyInterpreter py) {
                        py.countNode();
                    }
                })
                .build();
        expressionBuilder = new PyParser.SyntaxBuilder(Builder.Feature.METHOD_INVOCATIONS, Builder.Feature.VARARGS);
        ExpressionFactory expressions = new ExpressionFactoryImpl(
                new TreeStore(expressionBuilder, new Cache(NUM_CACHED_EXPRESSIONS)), new PyTypeConverter());
        jinjava = new Jinjava(config) {
            @Override
            public ExpressionFactory getExpressionFactory() {
                return expressions;
            }

            @Override
            public ExpressionFactory getEagerExpressionFactory() {
                return expressions;
            }
        };
        jinjava.setResourceLocator((name, encoding, interpreter) -> {
            throw new IOException("chat templates cannot load other templates ('" + name + "')");
        });
        Context globals = jinjava.getGlobalContext();
        for (String name : PyFilters.GENERATING) {
            globals.registerFilter(PyFilters.generating(globals.getFilter(name)));
        }
        for (Filter filter : PyFilters.all()) {
            globals.registerFilter(filter);
        }
        for (ExpTest test : PyTests.all()) {
            globals.registerExpTest(test);
        }
        for (Tag tag : PyTags.all()) {
            globals.registerTag(tag);
        }
        globals.registerFunction(new ELFunctionDefinition("", "raise_exception", PyFunctions.class, "raiseException", Object.class));
        globals.registerFunction(new ELFunctionDefinition("", "range", PyFunctions.class, "range", Object.class, Object[].class));
    }

    /** The engine all chat templates share. */
    public static JinjaEngine shared() {
        return SHARED;
    }

    /**
     * Parses a template and checks every expression in it.
     *
     * @throws ChatTemplateException naming the first syntax error, unknown tag, filter or test
     */
    public JinjaTemplate compile(String source) {
        PyInterpreter interpreter = newInterpreter(Map.of(), false);
        JinjavaInterpreter.pushCurrent(interpreter);
        try {
            Node root = interpreter.parse(JinjaLexer.prepare(source));
            // Jinjava only warns about some syntax errors (an end tag without its start); Jinja rejects them all.
            if (!interpreter.getErrors().isEmpty()) {
                TemplateError error = interpreter.getErrors().getFirst();
                String tag = error.getFieldName();
                boolean named = tag == null || tag.isBlank() || error.getMessage().contains(tag);
                throw new ChatTemplateException(named ? error.getMessage() : error.getMessage() + ": " + tag);
            }
            validate(root, 0, interpreter);
            return new JinjaTemplate(this, root);
        } finally {
            JinjavaInterpreter.popCurrent();
        }
    }

    /**
     * Renders a compiled template with the given variables (plain Java values: String, Boolean, Number,
     * List, Map, {@link PyNone}).
     *
     * @throws ChatTemplateException with the error the template raised or Jinja would raise
     */
    String render(Node root, Map<String, Object> variables) {
        PyInterpreter interpreter = newInterpreter(variables, true);
        JinjavaInterpreter.pushCurrent(interpreter);
        String output;
        try {
            output = interpreter.render(root);
        } catch (RuntimeException e) {
            throw failure(interpreter, e);
        } finally {
            JinjavaInterpreter.popCurrent();
        }
        if (interpreter.firstFailure() != null) {
            throw failure(interpreter, null);
        }
        return output;
    }

    private PyInterpreter newInterpreter(Map<String, Object> variables, boolean abortOnFatal) {
        // A copy per render: Jinjava records resolved names in every ancestor context.
        Context context = new Context(jinjava.getGlobalContextCopy(), variables, config.getDisabled());
        if (abortOnFatal) {
            context.setErrorHandlingStrategy(ABORT_ON_FATAL);
        }
        return new PyInterpreter(jinjava, context, config, maxNumNodes);
    }

    private static ChatTemplateException failure(PyInterpreter interpreter, RuntimeException thrown) {
        Object first = interpreter.firstFailure();
        if (first instanceof JinjaRuntimeError raised) {
            return new ChatTemplateException(raised.getMessage(), thrown != null ? thrown : raised);
        }
        if (first instanceof TemplateError error) {
            JinjaRuntimeError raised = JinjaRuntimeError.findIn(error.getException());
            String message = raised != null ? raised.getMessage() : jinjaMessage(error.getMessage());
            return new ChatTemplateException(message, thrown != null ? thrown : error.getException());
        }
        JinjaRuntimeError raised = JinjaRuntimeError.findIn(thrown);
        return new ChatTemplateException(raised != null ? raised.getMessage() : jinjaMessage(String.valueOf(thrown.getMessage())), thrown);
    }

    private static final Pattern UNKNOWN_FUNCTION = Pattern.compile("Could not resolve function '([^']*)'");

    /** Jinjava's wording rephrased as Jinja's where they name the same failure. */
    private static String jinjaMessage(String message) {
        Matcher unknownFunction = UNKNOWN_FUNCTION.matcher(message);
        if (unknownFunction.find()) {
            return "'" + unknownFunction.group(1) + "' is undefined";
        }
        return message;
    }

    private void validate(Node node, int loopDepth, JinjavaInterpreter interpreter) {
        int childLoopDepth = loopDepth;
        if (node instanceof ExpressionNode && node.getMaster() instanceof ExpressionToken token) {
            requireExpression(token.getExpr(), "{{ }}");
            checkExpression(token.getExpr(), interpreter);
        } else if (node instanceof TagNode tagNode) {
            String helpers = tagNode.getHelpers() == null ? "" : tagNode.getHelpers().strip();
            switch (tagNode.getName()) {
                case "if", "elif" -> {
                    requireExpression(helpers, tagNode.getName());
                    checkExpression(helpers, interpreter);
                }
                case "for" -> {
                    PyTags.LoopHeader header;
                    try {
                        header = PyTags.LoopHeader.parse(helpers);
                    } catch (JinjaRuntimeError e) {
                        throw new ChatTemplateException(e.getMessage(), e);
                    }
                    checkExpression(header.iterable(), interpreter);
                    if (header.condition() != null) {
                        checkExpression(header.condition(), interpreter);
                    }
                    childLoopDepth++;
                }
                case "break", "continue" -> {
                    if (loopDepth == 0) {
                        throw new ChatTemplateException("'" + tagNode.getName() + "' outside loop");
                    }
                }
                case "macro", "call" -> childLoopDepth = 0;
                case "set" -> {
                    int equals = assignment(helpers);
                    // A tuple target (a, b = ...) takes a bare tuple, which only Jinjava's set tag parses.
                    if (equals >= 0 && helpers.substring(0, equals).indexOf(',') < 0) {
                        checkExpression(helpers.substring(equals + 1), interpreter);
                    }
                }
                case "filter" -> checkExpression("x|" + helpers, interpreter);
                default -> {
                }
            }
        }
        for (Node child : node.getChildren()) {
            validate(child, childLoopDepth, interpreter);
        }
    }

    /** Index of the assignment {@code =} in {@code set} helpers, or -1 for a block set. */
    private static int assignment(String helpers) {
        char quote = 0;
        for (int i = 0; i < helpers.length(); i++) {
            char c = helpers.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '=') {
                boolean partOfOperator = (i > 0 && "=!<>".indexOf(helpers.charAt(i - 1)) >= 0)
                        || (i + 1 < helpers.length() && helpers.charAt(i + 1) == '=');
                if (!partOfOperator) {
                    return i;
                }
            }
        }
        return -1;
    }

    private static void requireExpression(String expression, String where) {
        if (expression == null || expression.isBlank()) {
            throw new ChatTemplateException("expected an expression in '" + where + "'");
        }
    }

    private void checkExpression(String expression, JinjavaInterpreter interpreter) {
        if (expression.isBlank()) {
            return;
        }
        Tree tree;
        try {
            tree = expressionBuilder.build("#{" + expression.trim() + "}");
        } catch (TreeBuilderException e) {
            throw new ChatTemplateException("cannot parse '" + expression.strip() + "': " + e.getMessage(), e);
        }
        for (IdentifierNode identifier : tree.getIdentifierNodes()) {
            String name = identifier.getName();
            if (name.startsWith("filter:") && interpreter.getContext().getFilter(name.substring(7)) == null) {
                throw new ChatTemplateException("No filter named '" + name.substring(7) + "'.");
            }
            if (name.startsWith("exptest:") && interpreter.getContext().getExpTest(name.substring(8)) == null) {
                throw new ChatTemplateException("No test named '" + name.substring(8) + "'.");
            }
        }
    }
}
