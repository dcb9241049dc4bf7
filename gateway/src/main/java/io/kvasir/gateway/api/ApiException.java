package io.kvasir.gateway.api;

import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;

/**
 * A request failure the gateway reports in OpenAI's error shape
 * ({@code {"error":{"message","type","param","code"}}}) with {@link #status()}. Anything on the request path
 * (filters, admission, handlers) throws this; one exception handler ({@link ApiErrorHandler}) renders it, with
 * the {@code Retry-After} and {@code WWW-Authenticate} headers it carries.
 */
public class ApiException extends RuntimeException {

    private final HttpStatus status;
    private final String type;
    private final @Nullable String code;
    private final @Nullable String param;
    private final @Nullable Duration retryAfter;
    private final @Nullable String challenge;

    public ApiException(HttpStatus status, String type, @Nullable String code, @Nullable String param, String message) {
        this(status, type, code, param, message, null);
    }

    /** A failure the client may retry after {@code retryAfter} (sent as the {@code Retry-After} header). */
    public ApiException(HttpStatus status, String type, @Nullable String code, @Nullable String param, String message,
            @Nullable Duration retryAfter) {
        this(status, type, code, param, message, retryAfter, null);
    }

    private ApiException(HttpStatus status, String type, @Nullable String code, @Nullable String param, String message,
            @Nullable Duration retryAfter, @Nullable String challenge) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.code = code;
        this.param = param;
        this.retryAfter = retryAfter;
        this.challenge = challenge;
    }

    /** 400 {@code invalid_request_error} naming the parameter. */
    public static ApiException invalidRequest(@Nullable String param, String message) {
        return new ApiException(HttpStatus.BAD_REQUEST, "invalid_request_error", null, param, message);
    }

    /** 404 {@code model_not_found} for a model this gateway does not serve. */
    public static ApiException modelNotFound(String model) {
        return new ApiException(HttpStatus.NOT_FOUND, "invalid_request_error", "model_not_found", "model",
                "The model '" + model + "' does not exist; GET /v1/models lists the models served here.");
    }

    /** 503 while the server shuts down: the client should retry elsewhere or later. */
    public static ApiException shuttingDown(String message) {
        return new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "server_error", "server_shutting_down", null, message,
                Duration.ofSeconds(1));
    }

    public HttpStatus status() {
        return status;
    }

    public String type() {
        return type;
    }

    public @Nullable String code() {
        return code;
    }

    public @Nullable String param() {
        return param;
    }

    /**
     * The same failure answered with a {@code WWW-Authenticate} challenge naming the authentication scheme to use
     * (for a 401).
     */
    public ApiException withChallenge(String challenge) {
        return new ApiException(status, type, code, param, getMessage(), retryAfter, challenge);
    }

    /** The {@code WWW-Authenticate} challenge to send, or null. */
    public @Nullable String challenge() {
        return challenge;
    }

    /** How long the client should wait before retrying, or null when retrying will not help. */
    public @Nullable Duration retryAfter() {
        return retryAfter;
    }
}
