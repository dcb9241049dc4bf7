package io.kvasir.engine.chat;

import io.kvasir.engine.chat.internal.JinjaEngine;
import io.kvasir.engine.chat.internal.JinjaTemplate;
import io.kvasir.engine.chat.internal.PyNone;

import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A model's chat template ({@code tokenizer.chat_template} in GGUF metadata), compiled once and rendered
 * per request the way Hugging Face transformers' {@code apply_chat_template} renders it: Jinja2 with
 * {@code trim_blocks} and {@code lstrip_blocks}, {@code raise_exception}, {@code tojson} without ASCII
 * escaping, and no {@code strftime_now} (templates fall back to their fixed dates).
 *
 * <p>The template sees {@code messages}, {@code add_generation_prompt}, {@code bos_token} and
 * {@code eos_token} (a null token is left undefined), plus any extra variables given to
 * {@link #render(List, boolean, String, String, Map)} ({@code tools}, {@code documents}, ...).
 *
 * <p>Immutable and thread-safe; renders are bounded (see {@link JinjaEngine} for the limits).
 */
public final class ChatTemplate {

    /**
     * ChatML, the format llama.cpp falls back to for a model without a template:
     * {@code <|im_start|>role\ncontent<|im_end|>\n} per message, then {@code <|im_start|>assistant\n}
     * when a generation prompt is asked for.
     */
    public static final String CHATML_SOURCE = """
            {%- for message in messages -%}
            {{- '<|im_start|>' + message['role'] + '\\n' + (message['content'] or '') + '<|im_end|>\\n' -}}
            {%- endfor -%}
            {%- if add_generation_prompt -%}
            {{- '<|im_start|>assistant\\n' -}}
            {%- endif -%}
            """;

    private static final Set<String> RESERVED = Set.of("messages", "add_generation_prompt", "bos_token", "eos_token");

    private final String source;
    private final JinjaTemplate template;

    private ChatTemplate(String source, JinjaTemplate template) {
        this.source = source;
        this.template = template;
    }

    /**
     * Compiles a template.
     *
     * @throws ChatTemplateException naming the problem when the template does not parse, or uses an
     *                               unknown tag, filter or test
     */
    public static ChatTemplate compile(String source) {
        Objects.requireNonNull(source, "source");
        return new ChatTemplate(source, JinjaEngine.shared().compile(source));
    }

    /** The template for models without one: {@link #CHATML_SOURCE}. */
    public static ChatTemplate fallback() {
        return Fallback.CHATML;
    }

    private static final class Fallback {
        static final ChatTemplate CHATML = compile(CHATML_SOURCE);
    }

    /** The template's Jinja source. */
    public String source() {
        return source;
    }

    /**
     * Renders a conversation into prompt text.
     *
     * @param addGenerationPrompt end with the opening of an assistant turn
     * @param bosToken            the model's beginning-of-sequence text, or null
     * @param eosToken            the model's end-of-sequence text, or null
     * @throws ChatTemplateException when the template raises (the message is the template's own) or fails
     */
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt, String bosToken, String eosToken) {
        return render(messages, addGenerationPrompt, bosToken, eosToken, Map.of());
    }

    /**
     * Renders with extra template variables, such as {@code tools} (a list of JSON-schema dicts),
     * {@code documents} or {@code date_string}.
     *
     * @param extraVariables values of String, Boolean, Number, List, Map (String keys) or null (None)
     * @throws IllegalArgumentException when an extra variable shadows a standard one or has another type
     */
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt, String bosToken, String eosToken,
                         Map<String, ?> extraVariables) {
        Objects.requireNonNull(messages, "messages");
        Objects.requireNonNull(extraVariables, "extraVariables");
        Map<String, Object> variables = new HashMap<>();
        for (Map.Entry<String, ?> e : extraVariables.entrySet()) {
            if (RESERVED.contains(e.getKey())) {
                throw new IllegalArgumentException("extraVariables: '" + e.getKey() + "' is set by render itself");
            }
            variables.put(e.getKey(), toTemplateValue(e.getValue(), e.getKey()));
        }
        List<Object> messageViews = new ArrayList<>(messages.size());
        for (ChatMessage message : messages) {
            messageViews.add(view(Objects.requireNonNull(message, "messages contains null")));
        }
        variables.put("messages", messageViews);
        variables.put("add_generation_prompt", addGenerationPrompt);
        if (bosToken != null) {
            variables.put("bos_token", bosToken);
        }
        if (eosToken != null) {
            variables.put("eos_token", eosToken);
        }
        return template.render(variables);
    }

    private static Map<String, Object> view(ChatMessage message) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("role", message.role());
        view.put("content", message.content() == null ? PyNone.INSTANCE : message.content());
        if (message.toolCalls() != null) {
            List<Object> calls = new ArrayList<>(message.toolCalls().size());
            for (ChatMessage.ToolCall call : message.toolCalls()) {
                Map<String, Object> function = new LinkedHashMap<>();
                function.put("name", call.name());
                function.put("arguments", call.arguments());
                Map<String, Object> callView = new LinkedHashMap<>();
                if (call.id() != null) {
                    callView.put("id", call.id());
                }
                callView.put("type", "function");
                callView.put("function", function);
                calls.add(callView);
            }
            view.put("tool_calls", calls);
        }
        if (message.toolCallId() != null) {
            view.put("tool_call_id", message.toolCallId());
        }
        if (message.name() != null) {
            view.put("name", message.name());
        }
        return view;
    }

    private static Object toTemplateValue(Object value, String path) {
        if (value == null) {
            return PyNone.INSTANCE;
        }
        if (value instanceof String || value instanceof Boolean || value instanceof Double
                || value instanceof Long || value instanceof BigInteger) {
            return value;
        }
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof Float || value instanceof BigDecimal) {
            return ((Number) value).doubleValue();
        }
        if (value instanceof CharSequence text) {
            return text.toString();
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof String key)) {
                    throw new IllegalArgumentException("extraVariables: " + path + " has a non-String key " + e.getKey());
                }
                copy.put(key, toTemplateValue(e.getValue(), path + "." + key));
            }
            return copy;
        }
        if (value instanceof Collection<?> items) {
            List<Object> copy = new ArrayList<>(items.size());
            int i = 0;
            for (Object item : items) {
                copy.add(toTemplateValue(item, path + "[" + i++ + "]"));
            }
            return copy;
        }
        if (value.getClass().isArray()) {
            List<Object> copy = new ArrayList<>();
            for (int i = 0; i < Array.getLength(value); i++) {
                copy.add(toTemplateValue(Array.get(value, i), path + "[" + i + "]"));
            }
            return copy;
        }
        throw new IllegalArgumentException("extraVariables: " + path + " has unsupported type " + value.getClass().getName());
    }
}
