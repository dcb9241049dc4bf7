package io.kvasir.springai.remote;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * The Kvasir gateway refused or failed a request: its HTTP status and its OpenAI-style error
 * ({@code {"error":{"message","type","param","code"}}}).
 *
 * <p>A status of 200 means the gateway accepted the request and ended its stream with an error event.
 */
public final class KvasirRemoteException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final @Nullable String type;
    private final @Nullable String param;
    private final @Nullable String code;
    private final transient @Nullable Duration retryAfter;

    public KvasirRemoteException(int status, String message, @Nullable String type, @Nullable String param,
            @Nullable String code, @Nullable Duration retryAfter) {
        super(describe(status, message, type, param, code));
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
        this.retryAfter = retryAfter;
    }

    private static String describe(int status, String message, @Nullable String type, @Nullable String param,
            @Nullable String code) {
        StringBuilder s = new StringBuilder(status == 200 ? "the Kvasir gateway ended the stream with an error"
                : "the Kvasir gateway answered " + status);
        if (type != null || param != null || code != null) {
            s.append(" (");
            String separator = "";
            for (String[] part : new String[][] {{"type", type}, {"param", param}, {"code", code}}) {
                if (part[1] != null) {
                    s.append(separator).append(part[0]).append(' ').append(part[1]);
                    separator = ", ";
                }
            }
            s.append(')');
        }
        return s.append(": ").append(message).toString();
    }

    /** The HTTP status; 200 for an error event in an accepted stream. */
    public int status() {
        return status;
    }

    /** OpenAI's error type, such as {@code invalid_request_error}. */
    public @Nullable String type() {
        return type;
    }

    /** The request parameter at fault, such as {@code max_tokens}. */
    public @Nullable String param() {
        return param;
    }

    /** The error code, such as {@code model_not_found}. */
    public @Nullable String code() {
        return code;
    }

    /** How long the gateway asked the client to wait ({@code Retry-After}), or null. */
    public @Nullable Duration retryAfter() {
        return retryAfter;
    }
}
