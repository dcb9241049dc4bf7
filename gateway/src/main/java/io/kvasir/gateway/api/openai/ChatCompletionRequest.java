package io.kvasir.gateway.api.openai;

import io.kvasir.api.SamplingParams;
import io.kvasir.engine.chat.ChatMessage;
import io.kvasir.gateway.api.ApiException;
import io.kvasir.gateway.api.json.JsonFields;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A validated {@code POST /v1/chat/completions} body. Every field is type- and bound-checked while reading,
 * before any work fans out (RELIABILITY.md items 6, 8 and 10); ranges of sampling values are checked by
 * {@link SamplingParamsMapper}.
 *
 * @param n choices to generate, in {@code [1, maxChoices]}
 * @param user the client's end-user id: validated and accepted for compatibility; the tenant comes from the key
 */
public record ChatCompletionRequest(String model, List<ChatMessage> messages, SamplingOptions sampling, int n,
        boolean stream, boolean includeUsage, int priority, @Nullable String user) implements GenerationHandler.Request {

    /** The longest {@code user} accepted. */
    static final int MAX_USER_LENGTH = 256;

    public ChatCompletionRequest {
        messages = List.copyOf(messages);
    }

    /** Reads and validates a request body. */
    public static ChatCompletionRequest read(JsonFields body, int maxChoices) {
        String model = body.requiredString("model");
        List<ChatMessage> messages = ChatMessages.read(body);
        refuseUnsupportedFields(body);
        Integer maxTokens = SamplingOptions.readMaxTokens(body, "max_completion_tokens");
        String maxTokensParam = "max_completion_tokens";
        Integer legacyMaxTokens = SamplingOptions.readMaxTokens(body, "max_tokens");
        if (maxTokens == null) {
            maxTokens = legacyMaxTokens;
            maxTokensParam = "max_tokens";
        } else if (legacyMaxTokens != null && !legacyMaxTokens.equals(maxTokens)) {
            throw ApiException.invalidRequest("max_tokens", "'max_tokens' (" + legacyMaxTokens
                    + ") and 'max_completion_tokens' (" + maxTokens + ") disagree; give one of them.");
        }
        Boolean logprobs = body.optionalBoolean("logprobs");
        Integer topLogprobs = body.optionalInt("top_logprobs", 0, SamplingParams.MAX_TOP_LOGPROBS);
        SamplingOptions sampling = SamplingOptions.read(body, maxTokens, maxTokensParam, logprobs != null && logprobs,
                topLogprobs == null ? 0 : topLogprobs);
        return new ChatCompletionRequest(model, messages, sampling, readN(body, maxChoices), isStream(body),
                includeUsage(body), readPriority(body), readUser(body));
    }

    private static void refuseUnsupportedFields(JsonFields body) {
        for (String name : List.of("tools", "functions", "logit_bias", "audio", "prediction")) {
            ChatMessages.refuseUnsupported(body, name, null);
        }
        ChatMessages.refuseUnsupported(body, "tool_choice", "none");
        ChatMessages.refuseUnsupported(body, "function_call", "none");
        JsonFields format = body.optionalObject("response_format");
        if (format != null && !"text".equals(format.optionalString("type"))) {
            throw ApiException.invalidRequest("response_format",
                    "only 'response_format' {\"type\": \"text\"} is supported by this server.");
        }
    }

    static int readN(JsonFields body, int maxChoices) {
        Integer n = body.optionalInt("n", 1, maxChoices);
        return n == null ? 1 : n;
    }

    static boolean isStream(JsonFields body) {
        Boolean stream = body.optionalBoolean("stream");
        return stream != null && stream;
    }

    static boolean includeUsage(JsonFields body) {
        JsonFields options = body.optionalObject("stream_options");
        Boolean include = options == null ? null : options.optionalBoolean("include_usage");
        return include != null && include;
    }

    static int readPriority(JsonFields body) {
        Integer priority = body.optionalInt("priority", Integer.MIN_VALUE, Integer.MAX_VALUE);
        return priority == null ? 0 : priority;
    }

    static @Nullable String readUser(JsonFields body) {
        String user = body.optionalString("user");
        if (user != null && user.length() > MAX_USER_LENGTH) {
            throw ApiException.invalidRequest("user", "'user' may be at most " + MAX_USER_LENGTH + " characters long.");
        }
        return user;
    }
}
