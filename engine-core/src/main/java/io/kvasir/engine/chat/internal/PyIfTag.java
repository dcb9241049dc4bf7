package io.kvasir.engine.chat.internal;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.tag.ElseIfTag;
import com.hubspot.jinjava.lib.tag.ElseTag;
import com.hubspot.jinjava.lib.tag.Tag;
import com.hubspot.jinjava.tree.Node;
import com.hubspot.jinjava.tree.TagNode;
import com.hubspot.jinjava.util.LengthLimitingStringBuilder;

/**
 * {@code if}/{@code elif}/{@code else} with Python's truth values, stopping its branch at a {@code break} or
 * {@code continue} of the enclosing loop: Jinjava's own tag renders the rest of the branch after one, so text after
 * {@code {% if x %}{% continue %}{% endif %}} inside another {@code if} would still appear.
 */
final class PyIfTag implements Tag {
    private static final long serialVersionUID = 1L;

    @Override
    public String getName() {
        return "if";
    }

    @Override
    public String getEndTagName() {
        return "endif";
    }

    @Override
    public String interpret(TagNode tagNode, JinjavaInterpreter interpreter) {
        LengthLimitingStringBuilder out = new LengthLimitingStringBuilder(interpreter.getConfig().getMaxOutputSize());
        boolean taken = isTrue(tagNode, interpreter);
        boolean anyTaken = taken;
        for (Node child : tagNode.getChildren()) {
            if (child instanceof TagNode tag && tag.getName().equals(ElseIfTag.TAG_NAME)) {
                taken = !anyTaken && isTrue(tag, interpreter);
                anyTaken |= taken;
            } else if (child instanceof TagNode tag && tag.getName().equals(ElseTag.TAG_NAME)) {
                taken = !anyTaken;
                anyTaken = true;
            } else if (taken) {
                out.append(child.render(interpreter));
                if (PyLoop.isInterrupted(interpreter)) {
                    break;
                }
            }
        }
        return out.toString();
    }

    private static boolean isTrue(TagNode tag, JinjavaInterpreter interpreter) {
        return PyTruth.isTrue(interpreter.resolveELExpression(tag.getHelpers(), tag.getLineNumber()));
    }
}
