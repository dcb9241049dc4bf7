package io.kvasir.engine.chat;

import com.hubspot.jinjava.tree.Node;
import io.kvasir.engine.chat.internal.ChatEngine;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A compiled chat template that renders a conversation into the prompt text a model was trained on.
 */
public final class ChatTemplate {
    private static final String CHATML = """
            {% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] \
            + '<|im_end|>' + '\\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}""";

    private final Node root;

    private ChatTemplate(Node root) {
        this.root = root;
    }

    /** Parses a template once; throws {@link ChatTemplateException} naming the first syntax problem. */
    public static ChatTemplate compile(String source) {
        Objects.requireNonNull(source, "source");
        return new ChatTemplate(ChatEngine.instance().parse(source));
    }

    /** ChatML. */
    public static ChatTemplate fallback() {
        return compile(CHATML);
    }

    /** Renders. */
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt, String bosToken, String eosToken) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (ChatMessage m : messages) {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("role", m.role());
            map.put("content", m.content());
            list.add(map);
        }
        Map<String, Object> bindings = new HashMap<>();
        bindings.put("messages", list);
        bindings.put("add_generation_prompt", addGenerationPrompt);
        bindings.put("bos_token", bosToken);
        bindings.put("eos_token", eosToken);
        return ChatEngine.instance().render(root, bindings);
    }
}
