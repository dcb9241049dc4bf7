package io.kvasir.gateway.api;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;

/**
 * A request failure the gateway reports in OpenAI's error shape
 * ({@code {"error":{"message","type","param","code"}}}) with {@link #status()}. Anything on the request path
 * (filters, admission, handlers) throws this; one exception handler renders it.
 */
public class ApiException extends RuntimeException {

    private final HttpStatus status;
    private final String type;
    private final @Nullable String code;
    private final @Nullable String param;

    public ApiException(HttpStatus status, String type, @Nullable String code, @Nullable String param, String message) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.code = code;
        this.param = param;
    }

    /** 400 {@code invalid_request_error} naming the parameter. */
    public static ApiException invalidRequest(@Nullable String param, String message) {
        return new ApiException(HttpStatus.BAD_REQUEST, "invalid_request_error", null, param, message);
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
}
