package io.kvasir.gateway.api.openai;

import io.kvasir.engine.chat.ChatMessage;
import io.kvasir.gateway.api.ApiException;
import io.kvasir.gateway.api.json.JsonFields;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;

/**
 * Reads OpenAI's {@code messages} into the engine's {@link ChatMessage}s (RELIABILITY.md items 6 and 10): a
 * non-empty array of objects, each with a known {@code role} and non-empty text {@code content} (a string or
 * an array of {@code {"type":"text","text":...}} parts, joined). {@code developer} is OpenAI's newer name for
 * {@code system} and reaches the template as {@code system}. Images, audio and tool calls are refused with a
 * 400 naming the part: this server generates text from text.
 */
public final class ChatMessages {

    /** The roles a message may have. */
    static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool");

    private ChatMessages() {
    }

    /** The {@code messages} of a request body, validated. */
    public static List<ChatMessage> read(JsonFields body) {
        ArrayNode array = body.optionalArray("messages");
        if (array == null) {
            throw ApiException.invalidRequest("messages", "'messages' is required: a non-empty array of messages.");
        }
        if (array.isEmpty()) {
            throw ApiException.invalidRequest("messages", "'messages' must hold at least one message.");
        }
        List<ChatMessage> messages = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            messages.add(message(JsonFields.element(array, i, "messages")));
        }
        return messages;
    }

    private static ChatMessage message(JsonFields m) {
        String role = m.requiredString("role");
        if (!ROLES.contains(role)) {
            throw ApiException.invalidRequest(m.param("role"), "'" + m.param("role") + "' must be one of "
                    + String.join(", ", ROLES.stream().sorted().toList()) + ", got '" + role + "'.");
        }
        if (m.has("tool_calls") || m.has("function_call")) {
            throw ApiException.invalidRequest(m.param("tool_calls"), "tool calls are not supported by this server.");
        }
        String content = content(m);
        String toolCallId = m.optionalString("tool_call_id");
        if (role.equals("tool") && (toolCallId == null || toolCallId.isEmpty())) {
            throw ApiException.invalidRequest(m.param("tool_call_id"), "a 'tool' message needs 'tool_call_id'.");
        }
        String name = m.optionalString("name");
        return new ChatMessage(role.equals("developer") ? "system" : role, content, null, toolCallId, name);
    }

    private static String content(JsonFields m) {
        String param = m.param("content");
        JsonNode value = m.raw("content");
        if (value == null) {
            throw ApiException.invalidRequest(param, "'" + param + "' is required.");
        }
        String text = value.isArray() ? joinTextParts((ArrayNode) value, param) : JsonFields.string(value, param);
        if (text.isEmpty()) {
            throw ApiException.invalidRequest(param, "'" + param + "' must not be empty.");
        }
        return text;
    }

    private static String joinTextParts(ArrayNode parts, String param) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < parts.size(); i++) {
            JsonFields part = JsonFields.element(parts, i, param);
            String type = part.requiredString("type");
            if (!type.equals("text")) {
                throw ApiException.invalidRequest(part.param("type"), "content parts of type '" + type
                        + "' are not supported by this server; only 'text' is.");
            }
            text.append(part.requiredString("text"));
        }
        return text.toString();
    }

    /** A refusal for a request field this server does not implement, when the client set it to something real. */
    static void refuseUnsupported(JsonFields body, String name, @Nullable String allowedValue) {
        JsonNode value = body.raw(name);
        if (value == null || (value.isContainer() && value.isEmpty())) {
            return;
        }
        if (allowedValue != null && value.isString() && value.stringValue().equals(allowedValue)) {
            return;
        }
        throw ApiException.invalidRequest(name, "'" + name + "' is not supported by this server.");
    }
}
