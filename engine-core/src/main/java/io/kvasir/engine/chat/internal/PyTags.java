package io.kvasir.engine.chat.internal;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.JinjavaInterpreter.InterpreterScopeClosable;
import com.hubspot.jinjava.lib.tag.IfTag;
import com.hubspot.jinjava.lib.tag.Tag;
import com.hubspot.jinjava.tree.Node;
import com.hubspot.jinjava.tree.TagNode;
import com.hubspot.jinjava.util.LengthLimitingStringBuilder;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Block tags with Jinja's behaviour: {@code if}/{@code elif} with Python truthiness, {@code for} with an
 * {@code if} filter, {@code else} and Python iteration, {@code break}/{@code continue} that leave the
 * whole loop body, {@code {% filter %}} blocks, and the
 * {@code {% generation %}} marker Hugging Face templates use for assistant masks (rendered as its body).
 */
final class PyTags {

    private PyTags() {
    }

    /** All tags this class defines, to register over Jinjava's. */
    static List<Tag> all() {
        return List.of(new PyIf(), new PyFor(), new LoopStatement("break", LoopControl.BREAK),
                new LoopStatement("continue", LoopControl.CONTINUE), new FilterBlock(), new Generation());
    }

    private static String renderChildren(TagNode tagNode, JinjavaInterpreter interpreter) {
        LengthLimitingStringBuilder out = new LengthLimitingStringBuilder(interpreter.getConfig().getMaxOutputSize());
        for (Node child : tagNode.getChildren()) {
            out.append(child.render(interpreter).getValue());
        }
        return out.toString();
    }

    /** {@code if}/{@code elif} conditions under Python truthiness ({@code "false"} is a true string). */
    static final class PyIf extends IfTag {
        private static final long serialVersionUID = 1L;

        @Override
        public boolean isPositiveIfElseNode(TagNode tagNode, JinjavaInterpreter interpreter) {
            return PyValues.truthy(interpreter.resolveELExpression(
                    tagNode.getHelpers(), tagNode.getLineNumber(), tagNode.getStartPosition()));
        }
    }

    /** A parsed {@code for} header: {@code targets in iterable [if condition]}. */
    record LoopHeader(List<String> targets, String iterable, String condition) {

        /** Parses the text after {@code for}; throws on a malformed header. */
        static LoopHeader parse(String helpers) {
            String text = helpers.strip();
            int in = topLevelKeyword(text + " ", "in");
            if (in < 0) {
                throw new JinjaRuntimeError("expected 'in' in 'for " + text + "'");
            }
            String left = text.substring(0, in).strip();
            if (left.startsWith("(") && left.endsWith(")")) {
                left = left.substring(1, left.length() - 1);
            }
            List<String> targets = new ArrayList<>();
            for (String target : left.split(",")) {
                if (!target.isBlank()) {
                    targets.add(target.strip());
                }
            }
            String rest = text.substring(Math.min(text.length(), in + 2)).strip();
            if (topLevelKeyword(" " + rest + " ", "recursive") >= 0) {
                throw new JinjaRuntimeError("recursive loops are not supported");
            }
            int ifAt = topLevelKeyword(rest, "if");
            String iterable = ifAt < 0 ? rest : rest.substring(0, ifAt).strip();
            String condition = ifAt < 0 ? null : rest.substring(ifAt + 2).strip();
            if (targets.isEmpty() || iterable.isEmpty() || (condition != null && condition.isEmpty())) {
                throw new JinjaRuntimeError("malformed loop 'for " + text + "'");
            }
            return new LoopHeader(List.copyOf(targets), iterable, condition);
        }
    }

    /**
     * {@code for a, b in items if condition}...{@code else}...{@code endfor}: Python iteration (strings by
     * character, dicts by key), Jinja's loop filter and {@code else} block, and a {@code loop} variable
     * counting only the items the filter kept.
     */
    static final class PyFor implements Tag {
        private static final long serialVersionUID = 1L;

        @Override
        public String getName() {
            return "for";
        }

        @Override
        public String interpret(TagNode tagNode, JinjavaInterpreter interpreter) {
            LoopHeader header = LoopHeader.parse(tagNode.getHelpers());
            List<Object> items = PyValues.toList(interpreter.resolveELExpression(header.iterable(), tagNode.getLineNumber()));
            if (header.condition() != null) {
                items = filter(items, header, tagNode, interpreter);
            }
            List<Node> body = new ArrayList<>();
            List<Node> orElse = new ArrayList<>();
            List<Node> target = body;
            for (Node child : tagNode.getChildren()) {
                if (target == body && child instanceof TagNode t && "else".equals(t.getName())) {
                    target = orElse;
                } else {
                    target.add(child);
                }
            }
            LengthLimitingStringBuilder out = new LengthLimitingStringBuilder(interpreter.getConfig().getMaxOutputSize());
            if (items.isEmpty()) {
                for (Node node : orElse) {
                    out.append(node.render(interpreter).getValue());
                }
                return out.toString();
            }
            try (InterpreterScopeClosable scope = interpreter.enterScope()) {
                PyLoop loop = new PyLoop(items);
                interpreter.getContext().put("loop", loop);
                for (int i = 0; i < items.size(); i++) {
                    if (interpreter instanceof PyInterpreter py) {
                        // An iteration costs a step even when its body is empty.
                        py.countNode();
                    }
                    loop.moveTo(i);
                    bind(header.targets(), interpreter.wrap(items.get(i)), interpreter);
                    try {
                        for (Node node : body) {
                            out.append(node.render(interpreter).getValue());
                        }
                    } catch (LoopControl control) {
                        if (control == LoopControl.BREAK) {
                            break;
                        }
                    }
                }
            }
            return out.toString();
        }

        private static List<Object> filter(List<Object> items, LoopHeader header, TagNode tagNode,
                                           JinjavaInterpreter interpreter) {
            List<Object> kept = new ArrayList<>();
            try (InterpreterScopeClosable scope = interpreter.enterScope()) {
                for (Object item : items) {
                    bind(header.targets(), interpreter.wrap(item), interpreter);
                    if (PyValues.truthy(interpreter.resolveELExpression(header.condition(), tagNode.getLineNumber()))) {
                        kept.add(item);
                    }
                }
            }
            return kept;
        }

        private static void bind(List<String> targets, Object value, JinjavaInterpreter interpreter) {
            if (targets.size() == 1) {
                interpreter.getContext().put(targets.getFirst(), value);
                return;
            }
            List<Object> parts = value instanceof Map.Entry<?, ?> e ? List.of(e.getKey(), e.getValue()) : PyValues.toList(value);
            if (parts.size() != targets.size()) {
                throw new JinjaRuntimeError((parts.size() < targets.size() ? "not enough" : "too many")
                        + " values to unpack (expected " + targets.size() + ", got " + parts.size() + ")");
            }
            for (int i = 0; i < targets.size(); i++) {
                interpreter.getContext().put(targets.get(i), interpreter.wrap(parts.get(i)));
            }
        }
    }

    /** {@code {% break %}} and {@code {% continue %}}. */
    static final class LoopStatement implements Tag {
        private static final long serialVersionUID = 1L;

        private final String name;
        private final transient LoopControl control;

        LoopStatement(String name, LoopControl control) {
            this.name = name;
            this.control = control;
        }

        @Override
        public String getName() {
            return name;
        }

        @Override
        public String getEndTagName() {
            return null;
        }

        @Override
        public String interpret(TagNode tagNode, JinjavaInterpreter interpreter) {
            throw control;
        }
    }

    /**
     * Index of a keyword that stands alone (whitespace around it) outside strings and brackets, or -1.
     */
    static int topLevelKeyword(String expression, String keyword) {
        int depth = 0;
        char quote = 0;
        for (int i = 0; i < expression.length(); i++) {
            char c = expression.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
                continue;
            }
            switch (c) {
                case '\'', '"' -> quote = c;
                case '(', '[', '{' -> depth++;
                case ')', ']', '}' -> depth--;
                default -> {
                    if (depth == 0 && expression.startsWith(keyword, i)
                            && i > 0 && Character.isWhitespace(expression.charAt(i - 1))
                            && i + keyword.length() < expression.length()
                            && Character.isWhitespace(expression.charAt(i + keyword.length()))) {
                        return i;
                    }
                }
            }
        }
        return -1;
    }

    /** {@code {% filter name(args) | other %}...{% endfilter %}}. */
    static final class FilterBlock implements Tag {
        private static final long serialVersionUID = 1L;
        private static final String BODY = "__kvasir_filter_body__";

        @Override
        public String getName() {
            return "filter";
        }

        @Override
        public String interpret(TagNode tagNode, JinjavaInterpreter interpreter) {
            String body = renderChildren(tagNode, interpreter);
            try (InterpreterScopeClosable scope = interpreter.enterScope()) {
                interpreter.getContext().put(BODY, body);
                return PyValues.str(interpreter.resolveELExpression(
                        BODY + "|" + tagNode.getHelpers().trim(), tagNode.getLineNumber()));
            }
        }
    }

    /** Hugging Face's {@code {% generation %}} marker: only the body is output. */
    static final class Generation implements Tag {
        private static final long serialVersionUID = 1L;

        @Override
        public String getName() {
            return "generation";
        }

        @Override
        public String interpret(TagNode tagNode, JinjavaInterpreter interpreter) {
            return renderChildren(tagNode, interpreter);
        }
    }
}
