package io.kvasir.engine.chat.internal;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.el.TruthyTypeConverter;
import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import com.hubspot.jinjava.el.JinjavaProcessors;
import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.ContextConfigurationIF.ErrorHandlingStrategyIF.TemplateErrorTypeHandlingStrategy;
import com.hubspot.jinjava.interpret.ErrorHandlingStrategy;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import com.hubspot.jinjava.tree.Node;
import io.kvasir.engine.chat.ChatTemplateException;
import java.util.Map;
import jinjava.de.odysseus.el.ExpressionFactoryImpl;
import jinjava.de.odysseus.el.tree.TreeStore;
import jinjava.de.odysseus.el.tree.impl.Builder;
import jinjava.de.odysseus.el.tree.impl.Cache;
import jinjava.javax.el.CompositeELResolver;
import jinjava.javax.el.ELResolver;
import jinjava.javax.el.ExpressionFactory;

/**
 * The one Jinjava instance chat templates run on, configured like the Jinja2 environment Hugging Face transformers
 * renders chat templates with.
 *
 * <ul>
 *   <li>{@code trim_blocks}, {@code lstrip_blocks} and whitespace control as Jinja2 applies them (through
 *       {@link JinjaSource}), Python's operator precedence, Python-style printing of values.
 *   <li>{@code raise_exception(message)}; {@code strftime_now} is deliberately absent so output never depends on the
 *       clock (templates fall back to their fixed date).
 *   <li>Bounds: nesting depth, output size, string and collection sizes and {@code range} are capped, so a template
 *       cannot loop forever or exhaust memory.
 * </ul>
 *
 * <p>Thread safety: the instance is immutable after construction; every render gets its own interpreter and context.
 */
public final class ChatEngine {
    /** Largest rendered prompt, in characters. */
    public static final long MAX_OUTPUT_SIZE = 16L << 20;
    private static final int MAX_RENDER_DEPTH = 32;
    private static final int MAX_COLLECTION_SIZE = 1 << 20;
    private static final int RANGE_LIMIT = 1 << 16;
    private static final long MAX_NUM_STEPS = 1L << 20;
    private static final int EXPRESSION_CACHE_SIZE = 4096;

    private static final PyExpressionStrategy EXPRESSION_STRATEGY = new PyExpressionStrategy();
    private static final ErrorHandlingStrategy STOP_AT_FIRST_FATAL_ERROR = ErrorHandlingStrategy.builder()
            .setFatalErrorStrategy(TemplateErrorTypeHandlingStrategy.THROW_EXCEPTION)
            .setNonFatalErrorStrategy(TemplateErrorTypeHandlingStrategy.ADD_ERROR)
            .build();
    private static final ChatEngine INSTANCE = new ChatEngine();

    private final Jinjava jinjava;
    private final ExpressionSyntaxCheck syntaxCheck;

    private ChatEngine() {
        JinjavaConfig config = JinjavaConfig.newBuilder()
                .withTrimBlocks(false)
                .withLstripBlocks(false)
                .withMaxRenderDepth(MAX_RENDER_DEPTH)
                .withMaxOutputSize(MAX_OUTPUT_SIZE)
                .withMaxStringLength(MAX_OUTPUT_SIZE)
                .withMaxListSize(MAX_COLLECTION_SIZE)
                .withMaxMapSize(MAX_COLLECTION_SIZE)
                .withRangeLimit(RANGE_LIMIT)
                .withEnableRecursiveMacroCalls(true)
                .withMaxMacroRecursionDepth(MAX_RENDER_DEPTH)
                .withNestedInterpretationEnabled(false)
                .withElResolver(newResolver())
                .withProcessors(JinjavaProcessors.newBuilder()
                        .withNodePreProcessor(ChatEngine::chargeNode)
                        .build())
                .withLegacyOverrides(LegacyOverrides.newBuilder()
                        .withParseWhitespaceControlStrictly(true)
                        .withUseNaturalOperatorPrecedence(true)
                        .withUsePyishObjectMapper(true)
                        .withUseTrimmingForNotesAndExpressions(true)
                        .withKeepNullableLoopValues(true)
                        .withAllowAdjacentTextNodes(true)
                        .withEvaluateMapKeys(true)
                        .withIterateOverMapKeys(true)
                        .build())
                .build();
        PySyntaxBuilder syntaxBuilder = new PySyntaxBuilder(Builder.Feature.METHOD_INVOCATIONS,
                Builder.Feature.VARARGS);
        jinjava = new PyJinjava(config, new ExpressionFactoryImpl(
                new TreeStore(syntaxBuilder, new Cache(EXPRESSION_CACHE_SIZE)), new TruthyTypeConverter()));
        syntaxCheck = new ExpressionSyntaxCheck(syntaxBuilder);
        jinjava.registerFunction(new ELFunctionDefinition("", "raise_exception", ChatEngine.class, "raiseException",
                Object.class));
        jinjava.registerTag(new FilterBlockTag());
        jinjava.registerTag(new BudgetedForTag());
        jinjava.registerTag(new PyIfTag());
        jinjava.registerFilter(new PyToJsonFilter());
        jinjava.registerFilter(new PyItemsFilter());
        jinjava.registerFilter(new PyStringFilters.StringFilter());
        jinjava.registerFilter(new PyStringFilters.JoinFilter());
        jinjava.registerExpTest(new PyTests.SequenceTest());
        jinjava.registerExpTest(new PyTests.IterableTest());
    }

    private static ELResolver newResolver() {
        CompositeELResolver resolver = new CompositeELResolver();
        resolver.add(new ImmutableCollectionsGuard());
        resolver.add(new PyStringMethods());
        resolver.add(JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_ONLY);
        return resolver;
    }

    /** The shared engine. */
    public static ChatEngine instance() {
        return INSTANCE;
    }

    /** Parses a template; throws {@link ChatTemplateException} naming the first fatal syntax error. */
    public Node parse(String source) {
        JinjavaInterpreter interpreter = jinjava.newInterpreter();
        interpreter.getContext().setExpressionStrategy(EXPRESSION_STRATEGY);
        JinjavaInterpreter.pushCurrent(interpreter);
        try {
            Node root = interpreter.parse(JinjaSource.normalize(source));
            throwFirstError(interpreter, "syntax error", false);
            syntaxCheck.check(root, interpreter.getContext());
            return root;
        } finally {
            JinjavaInterpreter.popCurrent();
        }
    }

    /** Renders a parsed template with the given variables. */
    public String render(Node root, Map<String, Object> bindings) {
        RenderState state = new RenderState(MAX_NUM_STEPS);
        Context context = new Context(jinjava.getGlobalContextCopy(), bindings, jinjava.getGlobalConfig().getDisabled());
        context.setErrorHandlingStrategy(STOP_AT_FIRST_FATAL_ERROR);
        JinjavaInterpreter interpreter = new ChatInterpreter(jinjava, context, jinjava.getGlobalConfig(), state);
        JinjavaInterpreter.pushCurrent(interpreter);
        String output;
        try {
            output = interpreter.render(root);
        } catch (RuntimeException e) {
            if (state.failure() != null) {
                throw new ChatTemplateException(state.failure(), e);
            }
            throw new ChatTemplateException("chat template render error at line " + interpreter.getLineNumber()
                    + ": " + e.getMessage(), e);
        } finally {
            JinjavaInterpreter.popCurrent();
        }
        if (state.failure() != null) {
            throw new ChatTemplateException(state.failure());
        }
        throwFirstError(interpreter, "render error", true);
        return output;
    }

    /**
     * Throws the first fatal error; with {@code strict}, also the first warning other than an unknown property (a
     * missing key is Jinja2's undefined, but a macro past its recursion limit or an oversized collection is not).
     */
    private static void throwFirstError(JinjavaInterpreter interpreter, String what, boolean strict) {
        for (TemplateError error : interpreter.getErrors()) {
            if (error.getSeverity() == TemplateError.ErrorType.FATAL
                    || strict && error.getReason() != TemplateError.ErrorReason.UNKNOWN) {
                throw new ChatTemplateException("chat template " + what + " at line " + error.getLineno() + ": "
                        + error.getMessage());
            }
        }
    }

    private static void chargeNode(Node node, JinjavaInterpreter interpreter) {
        RenderState state = RenderState.of(interpreter);
        if (state != null) {
            state.charge();
        }
    }

    /** {@code raise_exception(message)}: fails the render with exactly {@code message}. */
    public static Object raiseException(Object message) {
        throw RenderState.raise(String.valueOf(message));
    }

    /** Jinjava with the expression parser swapped for {@link PyExpressionParser}. */
    private static final class PyJinjava extends Jinjava {
        private final ExpressionFactory expressionFactory;

        PyJinjava(JinjavaConfig config, ExpressionFactory expressionFactory) {
            super(config);
            this.expressionFactory = expressionFactory;
        }

        @Override
        public ExpressionFactory getExpressionFactory() {
            return expressionFactory;
        }
    }
}
