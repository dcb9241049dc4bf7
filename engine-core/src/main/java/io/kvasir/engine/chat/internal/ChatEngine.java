package io.kvasir.engine.chat.internal;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.el.TruthyTypeConverter;
import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import com.hubspot.jinjava.tree.Node;
import io.kvasir.engine.chat.ChatTemplateException;
import java.util.Map;
import java.util.Properties;
import jinjava.de.odysseus.el.ExpressionFactoryImpl;
import jinjava.de.odysseus.el.tree.TreeBuilder;
import jinjava.javax.el.ExpressionFactory;

/**
 * The one Jinjava instance chat templates run on, configured like the Jinja2 environment Hugging Face transformers
 * renders chat templates with.
 *
 * <ul>
 *   <li>{@code trim_blocks} and {@code lstrip_blocks}, Python's operator precedence, Python-style printing of values.
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

    private static final ChatEngine INSTANCE = new ChatEngine();

    private final Jinjava jinjava;

    private ChatEngine() {
        JinjavaConfig config = JinjavaConfig.newBuilder()
                .withTrimBlocks(true)
                .withLstripBlocks(true)
                .withMaxRenderDepth(MAX_RENDER_DEPTH)
                .withMaxOutputSize(MAX_OUTPUT_SIZE)
                .withMaxStringLength(MAX_OUTPUT_SIZE)
                .withMaxListSize(MAX_COLLECTION_SIZE)
                .withMaxMapSize(MAX_COLLECTION_SIZE)
                .withRangeLimit(RANGE_LIMIT)
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
        jinjava = new PyJinjava(config);
        jinjava.registerFunction(new ELFunctionDefinition("", "raise_exception", ChatEngine.class, "raiseException",
                Object.class));
        jinjava.registerTag(new FilterBlockTag());
    }

    /** The shared engine. */
    public static ChatEngine instance() {
        return INSTANCE;
    }

    /** Parses a template; throws {@link ChatTemplateException} naming the first fatal syntax error. */
    public Node parse(String source) {
        JinjavaInterpreter interpreter = jinjava.newInterpreter();
        JinjavaInterpreter.pushCurrent(interpreter);
        try {
            Node root = interpreter.parse(source);
            throwFirstFatal(interpreter, "syntax error");
            return root;
        } finally {
            JinjavaInterpreter.popCurrent();
        }
    }

    /** Renders a parsed template with the given variables. */
    public String render(Node root, Map<String, Object> bindings) {
        RenderState state = new RenderState();
        Context context = new Context(jinjava.getGlobalContextCopy(), bindings, jinjava.getGlobalConfig().getDisabled());
        context.put(RenderState.CONTEXT_KEY, state);
        JinjavaInterpreter interpreter = new JinjavaInterpreter(jinjava, context, jinjava.getGlobalConfig());
        JinjavaInterpreter.pushCurrent(interpreter);
        String output;
        try {
            output = interpreter.render(root);
        } finally {
            JinjavaInterpreter.popCurrent();
        }
        if (state.failure() != null) {
            throw new ChatTemplateException(state.failure());
        }
        throwFirstFatal(interpreter, "render error");
        return output;
    }

    private static void throwFirstFatal(JinjavaInterpreter interpreter, String what) {
        for (TemplateError error : interpreter.getErrors()) {
            if (error.getSeverity() == TemplateError.ErrorType.FATAL) {
                throw new ChatTemplateException("chat template " + what + " at line " + error.getLineno() + ": "
                        + error.getMessage());
            }
        }
    }

    /** {@code raise_exception(message)}: fails the render with exactly {@code message}. */
    public static Object raiseException(Object message) {
        throw RenderState.raise(String.valueOf(message));
    }

    /** Jinjava with the expression parser swapped for {@link PyExpressionParser}. */
    private static final class PyJinjava extends Jinjava {
        private final ExpressionFactory expressionFactory;

        PyJinjava(JinjavaConfig config) {
            super(config);
            Properties properties = new Properties();
            properties.setProperty(TreeBuilder.class.getName(), PySyntaxBuilder.class.getName());
            expressionFactory = new ExpressionFactoryImpl(properties, new TruthyTypeConverter());
        }

        @Override
        public ExpressionFactory getExpressionFactory() {
            return expressionFactory;
        }
    }
}
