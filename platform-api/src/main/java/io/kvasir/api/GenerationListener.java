package io.kvasir.api;

/**
 * Receives a request's tokens as the engine produces them.
 *
 * <p>Called on the engine's loop thread: implementations must return quickly and never block (hand the
 * token to a queue or a reactive sink). Exactly one of {@link #onComplete} and {@link #onError} ends
 * every request, after its last {@link #onToken}.
 */
public interface GenerationListener {

    /** A generated token. */
    void onToken(TokenOutput token);

    /** The request ended normally, by a limit, or by cancellation. */
    void onComplete(GenerationResult result);

    /** The request failed; the engine and other requests go on. */
    void onError(Throwable error);
}
