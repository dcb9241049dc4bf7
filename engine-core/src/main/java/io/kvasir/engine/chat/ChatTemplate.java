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
 * A model's chat template (the Jinja2 string in GGUF's {@code tokenizer.chat_template}), compiled once and rendered
 * the way Hugging Face transformers' {@code apply_chat_template} renders it.
 *
 * <p>The template sees {@code messages} (a list of {@code {'role': ..., 'content': ...}} dicts),
 * {@code add_generation_prompt}, {@code bos_token} and {@code eos_token}; {@code raise_exception(msg)} and
 * transformers' {@code tojson} are defined, {@code strftime_now} is not (templates then use their fixed date, so the
 * same conversation always renders to the same text). Errors the template raises, and Jinja2 errors such as adding an
 * undefined variable, surface as {@link ChatTemplateException} with Jinja2's message. Renders are bounded in output
 * size, nesting and work. See {@code io.kvasir.engine.chat.internal.ChatEngine} for the environment.
 *
 * <p>Immutable and thread-safe: one instance may render concurrently from many threads.
 */
public final class ChatTemplate {
    /**
     * ChatML, the format of transformers' old default template: each message as
     * {@code <|im_start|>role\ncontent<|im_end|>\n}, then {@code <|im_start|>assistant\n} when a generation prompt
     * is asked for. No BOS or EOS token is inserted.
     */
    private static final String CHATML = "{% for message in messages %}"
            + "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"
            + "{% endfor %}"
            + "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    private static final ChatTemplate FALLBACK = compile(CHATML);

    private final Node root;

    private ChatTemplate(Node root) {
        this.root = root;
    }

    /**
     * Parses a template and checks every expression in it, so a broken template fails here rather than on the first
     * render that reaches the broken line.
     *
     * @throws ChatTemplateException naming the line and the problem (syntax error, unclosed block, unknown tag,
     *                               filter or test)
     */
    public static ChatTemplate compile(String source) {
        Objects.requireNonNull(source, "source");
        return new ChatTemplate(ChatEngine.instance().parse(source));
    }

    /**
     * The template for models that carry none (such as stories260K): ChatML,
     * {@code <|im_start|>role\ncontent<|im_end|>\n} per message and {@code <|im_start|>assistant\n} as the
     * generation prompt, without BOS or EOS tokens.
     */
    public static ChatTemplate fallback() {
        return FALLBACK;
    }

    /**
     * Renders a conversation to prompt text.
     *
     * @param messages            the conversation, oldest first
     * @param addGenerationPrompt whether to end with the header that starts the assistant's reply
     * @param bosToken            the model's BOS token text ({@code bos_token}), empty if it has none
     * @param eosToken            the model's EOS token text ({@code eos_token}), empty if it has none
     * @throws ChatTemplateException when the template raises an error or exceeds its bounds
     */
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt, String bosToken, String eosToken) {
        Objects.requireNonNull(messages, "messages");
        Objects.requireNonNull(bosToken, "bosToken");
        Objects.requireNonNull(eosToken, "eosToken");
        // Fresh mutable dicts per render: templates may call dict methods, and no render may see another's changes.
        List<Map<String, Object>> dicts = new ArrayList<>(messages.size());
        for (ChatMessage message : messages) {
            Map<String, Object> dict = new LinkedHashMap<>();
            dict.put("role", message.role());
            dict.put("content", message.content());
            dicts.add(dict);
        }
        Map<String, Object> bindings = new HashMap<>();
        bindings.put("messages", dicts);
        bindings.put("add_generation_prompt", addGenerationPrompt);
        bindings.put("bos_token", bosToken);
        bindings.put("eos_token", eosToken);
        return ChatEngine.instance().render(root, bindings);
    }
}
