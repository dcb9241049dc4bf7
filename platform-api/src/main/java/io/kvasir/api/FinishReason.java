package io.kvasir.api;

/**
 * Why a request's generation ended.
 *
 * <p>{@link #STOP} and {@link #LENGTH} are OpenAI's {@code "stop"} and {@code "length"}; OpenAI has no
 * value for the other two (vLLM reports {@code "abort"} for a cancelled request).
 */
public enum FinishReason {

    /** An end-of-generation token (unless the request ignores them) or one of the request's stop strings. */
    STOP,

    /** The request's {@code max_tokens} was reached, or the model's context is full. */
    LENGTH,

    /** The client went away or cancelled the request, or the server shut down before it finished. */
    CANCELLED,

    /** The engine failed while serving the request; the error itself is reported separately. */
    ERROR
}
