package io.kvasir.gateway.api.json;

import io.kvasir.gateway.api.ApiException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.exc.UnexpectedEndOfInputException;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Parses a request body into a JSON object, strictly: UTF-8 only, no trailing content, no duplicate keys, no
 * {@code NaN} literals, at most {@value #MAX_NESTING_DEPTH} levels of nesting (RELIABILITY.md item 5). Every
 * failure is a 400 {@link ApiException} with code {@code invalid_json} that says what is wrong and where.
 *
 * <p>The size of the body is bounded before it gets here, by the codec's in-memory limit (413).
 */
public final class JsonBody {

    /** Deepest nesting accepted; OpenAI requests need about six levels. */
    public static final int MAX_NESTING_DEPTH = 64;

    private static final JsonMapper STRICT = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build())
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private JsonBody() {
    }

    /** The body as a JSON object, or a 400 naming the problem. */
    public static JsonFields parseObject(byte[] body) {
        if (body.length == 0) {
            throw invalidJson("The request body is empty; send a JSON object.");
        }
        JsonNode root;
        try {
            root = STRICT.readTree(body);
        } catch (StreamConstraintsException e) {
            throw invalidJson("The request body is nested too deeply or too large (" + e.getOriginalMessage()
                    + "); at most " + MAX_NESTING_DEPTH + " levels of nesting are accepted.");
        } catch (UnexpectedEndOfInputException e) {
            throw invalidJson("The request body ends in the middle of a JSON value (truncated?): "
                    + e.getOriginalMessage());
        } catch (JacksonException e) {
            throw invalidJson("The request body is not valid JSON: " + e.getOriginalMessage() + locationOf(e));
        }
        if (root == null || root.isMissingNode()) {
            throw invalidJson("The request body is empty; send a JSON object.");
        }
        if (!(root instanceof ObjectNode object)) {
            throw invalidJson("The request body must be a JSON object, got " + JsonFields.describe(root) + ".");
        }
        return JsonFields.root(object);
    }

    private static String locationOf(JacksonException e) {
        var location = e.getLocation();
        return location == null ? "" : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }

    private static ApiException invalidJson(String message) {
        return new ApiException(org.springframework.http.HttpStatus.BAD_REQUEST, "invalid_request_error",
                "invalid_json", null, message);
    }
}
