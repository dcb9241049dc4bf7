package io.kvasir.engine.chat;

import java.util.List;
import java.util.Objects;

/**
 * One turn of a conversation as a chat template sees it ({@code message.role}, {@code message.content}).
 *
 * <p>Only the role is required. {@code content} may be null (an assistant turn that only calls tools):
 * the template then sees {@code None}. The tool fields are absent from the template's view of the message
 * when null, so {@code message.tool_calls is defined} is false for a plain turn.
 *
 * @param role        {@code system}, {@code user}, {@code assistant}, {@code tool}, ...
 * @param content     the text, or null
 * @param toolCalls   the tools an assistant turn calls ({@code message.tool_calls}), or null
 * @param toolCallId  which call a {@code tool} turn answers ({@code message.tool_call_id}), or null
 * @param name        the tool or participant name ({@code message.name}), or null
 */
public record ChatMessage(String role, String content, List<ToolCall> toolCalls, String toolCallId, String name) {

    public ChatMessage {
        Objects.requireNonNull(role, "role");
        if (toolCalls != null) {
            toolCalls = List.copyOf(toolCalls);
        }
    }

    /** A turn with just a role and text. */
    public ChatMessage(String role, String content) {
        this(role, content, null, null, null);
    }

    /** A system turn. */
    public static ChatMessage system(String content) {
        return new ChatMessage("system", content);
    }

    /** A user turn. */
    public static ChatMessage user(String content) {
        return new ChatMessage("user", content);
    }

    /** An assistant turn. */
    public static ChatMessage assistant(String content) {
        return new ChatMessage("assistant", content);
    }

    /** An assistant turn that calls tools; its content is null. */
    public static ChatMessage toolCalls(List<ToolCall> calls) {
        return new ChatMessage("assistant", null, Objects.requireNonNull(calls, "calls"), null, null);
    }

    /** A tool's answer to one call. */
    public static ChatMessage toolResult(String toolCallId, String content) {
        return new ChatMessage("tool", content, null, Objects.requireNonNull(toolCallId, "toolCallId"), null);
    }

    /**
     * One function call, as OpenAI's API carries it. The template sees
     * {@code {"id": id, "type": "function", "function": {"name": name, "arguments": arguments}}}.
     *
     * @param id        the call's id, or null
     * @param name      the function name
     * @param arguments the arguments as JSON text (templates that expect a dict see this string, as they
     *                  would in transformers when given one)
     */
    public record ToolCall(String id, String name, String arguments) {
        public ToolCall {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(arguments, "arguments");
        }
    }
}
