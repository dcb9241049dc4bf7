package io.kvasir.gateway.api;

import io.kvasir.api.InvalidRequestException;
import io.kvasir.engine.chat.ChatTemplateException;
import io.kvasir.engine.loop.EngineOverloadedException;
import io.netty.handler.timeout.ReadTimeoutException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.MethodParameter;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebInputException;

/**
 * Turns any failure on the request path into the {@link ApiException} the client sees: engine refusals keep
 * their parameter, an unreadable controller input names its parameter, an oversized body is 413, an overloaded engine 429 with {@code Retry-After}; anything
 * unexpected is a 500 whose message reveals nothing internal (the stack trace goes to the log only).
 */
public final class ApiErrors {

    private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);

    /** How long a client should wait after the engine's queue was full. */
    static final Duration ENGINE_OVERLOADED_RETRY_AFTER = Duration.ofSeconds(1);

    private ApiErrors() {
    }

    /** The client-facing form of {@code failure}, logging it when it is unexpected (a 500). */
    public static ApiException render(Throwable failure) {
        ApiException error = from(failure);
        if (error.status().is5xxServerError() && error != failure) {
            log.error("request failed unexpectedly", failure);
        }
        return error;
    }

    /** The client-facing form of {@code failure}; logs nothing. */
    public static ApiException from(Throwable failure) {
        return switch (failure) {
            case ApiException api -> api;
            case InvalidRequestException invalid -> ApiException.invalidRequest(invalid.param(), invalid.getMessage());
            case ChatTemplateException template -> ApiException.invalidRequest("messages",
                    "the model's chat template rejected the messages: " + template.getMessage());
            case EngineOverloadedException overloaded -> new ApiException(HttpStatus.TOO_MANY_REQUESTS,
                    "rate_limit_exceeded", "engine_overloaded", null, overloaded.getMessage(),
                    ENGINE_OVERLOADED_RETRY_AFTER);
            case DataBufferLimitException tooLarge -> new ApiException(HttpStatus.CONTENT_TOO_LARGE,
                    "invalid_request_error", "request_too_large", null,
                    "The request body is larger than this server accepts (" + tooLarge.getMessage() + ").");
            case ServerWebInputException input -> unreadableInput(input);
            case ResponseStatusException status -> fromStatus(status);
            case ReadTimeoutException timeout -> new ApiException(HttpStatus.REQUEST_TIMEOUT, "invalid_request_error",
                    "request_timeout", null, "The request body did not arrive in time.");
            default -> internal();
        };
    }

    /**
     * An annotated controller's body or parameter that could not be read (malformed JSON, a wrong type): 400
     * naming the request parameter (an unreadable body names none), or 413 for a body over the size limit.
     */
    private static ApiException unreadableInput(ServerWebInputException e) {
        Throwable cause = e.getMostSpecificCause();
        if (cause instanceof DataBufferLimitException tooLarge) {
            return from(tooLarge);
        }
        String detail = e.getReason() == null ? "The request could not be read." : e.getReason();
        if (cause != e && cause.getMessage() != null) {
            detail += " " + firstLine(cause.getMessage());
        }
        MethodParameter parameter = e.getMethodParameter();
        String param = parameter == null || parameter.hasParameterAnnotation(RequestBody.class) ? null
                : parameter.getParameterName();
        return ApiException.invalidRequest(param, detail);
    }

    private static String firstLine(String message) {
        int newline = message.indexOf('\n');
        String line = newline < 0 ? message : message.substring(0, newline);
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }

    private static ApiException fromStatus(ResponseStatusException e) {
        HttpStatus status = HttpStatus.resolve(e.getStatusCode().value());
        if (status == null) {
            status = HttpStatus.INTERNAL_SERVER_ERROR;
        }
        if (status.is5xxServerError()) {
            return internal();
        }
        String message = e.getReason() != null ? e.getReason() : status.getReasonPhrase();
        String code = status == HttpStatus.NOT_FOUND ? "not_found" : status.name().toLowerCase(java.util.Locale.ROOT);
        return new ApiException(status, "invalid_request_error", code, null, message);
    }

    private static ApiException internal() {
        return new ApiException(HttpStatus.INTERNAL_SERVER_ERROR, "server_error", "internal_error", null,
                "The server failed while handling the request; it has been logged.");
    }
}
