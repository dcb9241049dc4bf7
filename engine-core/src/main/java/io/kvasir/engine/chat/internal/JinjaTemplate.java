package io.kvasir.engine.chat.internal;

import com.hubspot.jinjava.tree.Node;

import java.util.Map;

/**
 * A parsed and checked template. Immutable after compilation (rendering only reads the node tree), so one
 * instance serves concurrent renders.
 */
public final class JinjaTemplate {

    private final JinjaEngine engine;
    private final Node root;

    JinjaTemplate(JinjaEngine engine, Node root) {
        this.engine = engine;
        this.root = root;
    }

    /**
     * Renders with the given variables.
     *
     * @param variables plain values (String, Boolean, Long, Double, List, Map, {@link PyNone}); a missing
     *                  name is undefined to the template
     * @throws io.kvasir.engine.chat.ChatTemplateException when the template raises or fails
     */
    public String render(Map<String, Object> variables) {
        return engine.render(root, variables);
    }
}
