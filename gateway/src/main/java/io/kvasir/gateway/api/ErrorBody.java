package io.kvasir.gateway.api;

import org.jspecify.annotations.Nullable;

/**
 * OpenAI's error document: {@code {"error":{"message","type","param","code"}}}; {@code param} and {@code code}
 * are written as {@code null} when absent, as OpenAI does.
 */
public record ErrorBody(Detail error) {

    /** The error itself. */
    public record Detail(String message, String type, @Nullable String param, @Nullable String code) {
    }

    /** The body for an {@link ApiException}. */
    public static ErrorBody of(ApiException e) {
        return new ErrorBody(new Detail(e.getMessage(), e.type(), e.param(), e.code()));
    }
}
