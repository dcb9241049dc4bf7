package io.kvasir.engine.chat.internal;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.tag.Tag;
import com.hubspot.jinjava.tree.Node;
import com.hubspot.jinjava.tree.TagNode;
import java.util.Objects;

/**
 * Jinja2's filter section, {@code {% filter trim %}...{% endfilter %}}, which Jinjava lacks: the body is rendered
 * and the filter chain in the tag applied to the text.
 */
final class FilterBlockTag implements Tag {
    private static final long serialVersionUID = 1L;
    private static final String BODY = "__filter_block_body__";

    @Override
    public String getName() {
        return "filter";
    }

    @Override
    public String getEndTagName() {
        return "endfilter";
    }

    @Override
    public String interpret(TagNode tagNode, JinjavaInterpreter interpreter) {
        String filters = tagNode.getHelpers().strip();
        if (filters.isEmpty()) {
            throw RenderState.raise("filter section without a filter (line " + tagNode.getLineNumber() + ")");
        }
        StringBuilder body = new StringBuilder();
        // The section is a scope of its own in Jinja2: what it sets stays inside.
        try (var sectionScope = interpreter.enterScope()) {
            for (Node child : tagNode.getChildren()) {
                body.append(child.render(interpreter).getValue());
                if (PyLoop.isInterrupted(interpreter)) {
                    // Jinja2 leaves the section for the loop before the filtered text is written.
                    return "";
                }
            }
        }
        try (var scope = interpreter.enterScope()) {
            interpreter.getContext().put(BODY, body.toString());
            return Objects.toString(interpreter.resolveELExpression(BODY + " | " + filters, tagNode.getLineNumber()),
                    "");
        }
    }
}
