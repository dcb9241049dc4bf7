package io.kvasir.gateway.api.openai;

import io.kvasir.api.SamplingParams;
import io.kvasir.gateway.api.ApiException;
import io.kvasir.gateway.api.json.JsonFields;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;

/**
 * A validated {@code POST /v1/completions} body. {@code prompt} is a string, an array of strings, an array of
 * token ids, or an array of token-id arrays; each prompt yields {@code n} choices, and prompts times {@code n}
 * may not exceed the server's fan-out limit. {@code logprobs} is the number of alternatives per token
 * (0 reports only the sampled token's).
 */
public record CompletionRequest(String model, List<Prompt> prompts, SamplingOptions sampling, int n, boolean stream,
        boolean includeUsage, int priority, @Nullable String user) implements GenerationHandler.Request {

    public CompletionRequest {
        prompts = List.copyOf(prompts);
    }

    /** One prompt: text to tokenize, or token ids as given. */
    public sealed interface Prompt {

        /** A text prompt. */
        record Text(String text) implements Prompt {
        }

        /** A prompt of token ids. */
        record Tokens(int[] ids) implements Prompt {
        }
    }

    /** Reads and validates a request body. */
    public static CompletionRequest read(JsonFields body, int maxChoices) {
        String model = body.requiredString("model");
        List<Prompt> prompts = readPrompts(body);
        for (String name : List.of("suffix", "logit_bias")) {
            ChatMessages.refuseUnsupported(body, name, null);
        }
        Boolean echo = body.optionalBoolean("echo");
        if (echo != null && echo) {
            throw ApiException.invalidRequest("echo", "'echo' is not supported by this server.");
        }
        Integer bestOf = body.optionalInt("best_of", 1, 1);
        assert bestOf == null || bestOf == 1;
        Integer logprobs = body.optionalInt("logprobs", 0, SamplingParams.MAX_TOP_LOGPROBS);
        SamplingOptions sampling = SamplingOptions.read(body, SamplingOptions.readMaxTokens(body, "max_tokens"),
                "max_tokens", logprobs != null, logprobs == null ? 0 : logprobs);
        int n = ChatCompletionRequest.readN(body, maxChoices);
        if ((long) n * prompts.size() > maxChoices) {
            throw ApiException.invalidRequest("n", "this request asks for " + prompts.size() + " prompts times n = " + n
                    + " choices; at most " + maxChoices + " are allowed per request.");
        }
        return new CompletionRequest(model, prompts, sampling, n, ChatCompletionRequest.isStream(body),
                ChatCompletionRequest.includeUsage(body), ChatCompletionRequest.readPriority(body),
                ChatCompletionRequest.readUser(body));
    }

    private static List<Prompt> readPrompts(JsonFields body) {
        JsonNode value = body.raw("prompt");
        if (value == null) {
            throw ApiException.invalidRequest("prompt", "'prompt' is required.");
        }
        if (value.isString()) {
            return List.of(text(value, "prompt"));
        }
        if (!(value instanceof ArrayNode array)) {
            throw JsonFields.wrongType("prompt", "a string, an array of strings or an array of token ids", value);
        }
        if (array.isEmpty()) {
            throw ApiException.invalidRequest("prompt", "'prompt' must not be empty.");
        }
        if (array.get(0).isNumber()) {
            return List.of(tokens(array, "prompt"));
        }
        List<Prompt> prompts = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            JsonNode element = array.get(i);
            String param = "prompt[" + i + "]";
            prompts.add(element instanceof ArrayNode ids ? tokens(ids, param) : text(element, param));
        }
        return prompts;
    }

    private static Prompt text(JsonNode value, String param) {
        String text = JsonFields.string(value, param);
        if (text.isEmpty()) {
            throw ApiException.invalidRequest(param, "'" + param + "' must not be empty.");
        }
        return new Prompt.Text(text);
    }

    private static Prompt tokens(ArrayNode array, String param) {
        if (array.isEmpty()) {
            throw ApiException.invalidRequest(param, "'" + param + "' must not be empty.");
        }
        int[] ids = new int[array.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = (int) JsonFields.integer(array.get(i), param + "[" + i + "]", 0, Integer.MAX_VALUE);
        }
        return new Prompt.Tokens(ids);
    }
}
