package io.kvasir.gateway.api.tokenize;

import io.kvasir.gateway.api.ApiException;
import io.kvasir.gateway.api.ApiRequests;
import io.kvasir.gateway.api.json.JsonFields;
import io.kvasir.gateway.api.openai.ChatMessages;
import io.kvasir.gateway.engine.ModelCatalog;
import io.kvasir.gateway.engine.ModelEngine;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;
import tools.jackson.databind.node.ArrayNode;

/**
 * {@code POST /tokenize} and {@code POST /detokenize}, shaped like vLLM's: text (or chat {@code messages}
 * through the model's template) to token ids, and token ids back to text. Token ids outside the vocabulary are
 * a 400 naming their position; bytes that are not valid UTF-8 on their own come back as U+FFFD.
 */
@Component
public class TokenizeHandlers {

    /** The most token ids one {@code /detokenize} request may send. */
    static final int MAX_DETOKENIZE_TOKENS = 1 << 20;

    private final ModelCatalog catalog;

    public TokenizeHandlers(ModelCatalog catalog) {
        this.catalog = catalog;
    }

    /** {@code {"count", "max_model_len", "tokens"}} for a {@code prompt} or {@code messages}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Tokenized(int count, int maxModelLen, int[] tokens) {
    }

    /** {@code {"prompt"}}: the text of the tokens. */
    public record Detokenized(String prompt) {
    }

    public Mono<ServerResponse> tokenize(ServerRequest request) {
        return ApiRequests.jsonBody(request).map(body -> {
            ApiRequests.tenant(request);
            ModelEngine engine = ApiRequests.model(catalog, body.requiredString("model"));
            int[] tokens;
            if (body.has("messages")) {
                tokens = engine.chatPrompt(ChatMessages.read(body));
            } else {
                String prompt = body.requiredString("prompt");
                Boolean addSpecial = body.optionalBoolean("add_special_tokens");
                tokens = engine.tokenize(prompt, addSpecial == null || addSpecial);
            }
            return new Tokenized(tokens.length, engine.info().contextLength(), tokens);
        }).flatMap(TokenizeHandlers::ok);
    }

    public Mono<ServerResponse> detokenize(ServerRequest request) {
        return ApiRequests.jsonBody(request).map(body -> {
            ApiRequests.tenant(request);
            ModelEngine engine = ApiRequests.model(catalog, body.requiredString("model"));
            return new Detokenized(engine.detokenize(tokenIds(body, engine.info().vocabSize())));
        }).flatMap(TokenizeHandlers::ok);
    }

    private static int[] tokenIds(JsonFields body, int vocabSize) {
        ArrayNode array = body.optionalArray("tokens");
        if (array == null) {
            throw ApiException.invalidRequest("tokens", "'tokens' is required: an array of token ids.");
        }
        if (array.size() > MAX_DETOKENIZE_TOKENS) {
            throw ApiException.invalidRequest("tokens", "'tokens' may hold at most " + MAX_DETOKENIZE_TOKENS + " ids.");
        }
        int[] ids = new int[array.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = (int) JsonFields.integer(array.get(i), "tokens[" + i + "]", 0, vocabSize - 1);
        }
        return ids;
    }

    private static Mono<ServerResponse> ok(Object body) {
        return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(body);
    }
}
